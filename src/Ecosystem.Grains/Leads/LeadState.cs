namespace Ecosystem.Grains.Leads;

[GenerateSerializer, Alias("eco.LeadState")]
public sealed class LeadState
{
    [Id(0)] public bool Submitted { get; set; }
    [Id(1)] public string? AccountId { get; set; }
    [Id(2)] public string? Region { get; set; }
    [Id(3)] public string? Industry { get; set; }
    [Id(4)] public string? Source { get; set; }
    [Id(5)] public string? SourcePartnerId { get; set; }
    [Id(6)] public string? DealId { get; set; }
    [Id(7)] public string? AcceptedBy { get; set; }
    [Id(8)] public List<Ecosystem.Contracts.Leads.LeadHistoryEntry> History { get; set; } = [];
}
