using Ecosystem.Contracts.Leads;

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
    [Id(8)] public List<LeadHistoryEntry> History { get; set; } = [];
    [Id(9)] public string Status { get; set; } = LeadStatus.New;
    /// <summary>The partner holding the current offer, and until when.</summary>
    [Id(10)] public string? OfferedTo { get; set; }
    [Id(11)] public DateTimeOffset? OfferExpiresAt { get; set; }
    [Id(12)] public DateTimeOffset? OfferedAt { get; set; }
    [Id(13)] public int Offers { get; set; }
    [Id(14)] public DateTimeOffset? SubmittedAt { get; set; }
    /// <summary>Ids of the answers logged, so a retried answer is a duplicate rather than an error.</summary>
    [Id(15)] public HashSet<string> AnswerIds { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The id of the <c>lead.converted</c> that converted the lead, so a retry of it is a duplicate.</summary>
    [Id(16)] public string? ConversionId { get; set; }
}
