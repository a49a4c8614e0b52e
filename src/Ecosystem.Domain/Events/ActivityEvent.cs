namespace Ecosystem.Domain.Events;

/// <summary>
/// One validated activity event. A flat record: every type uses a subset of the fields, the
/// rest stay null. The raw JSON the client sent is kept beside it in the log, verbatim.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.ActivityEvent")]
public sealed record ActivityEvent
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public required DateTimeOffset OccurredAt { get; init; }

    [Id(3)] public string? PartnerId { get; init; }
    [Id(4)] public string? DealId { get; init; }
    [Id(5)] public string? LeadId { get; init; }
    /// <summary>Normalized (see <see cref="Accounts.AccountDomain"/>).</summary>
    [Id(6)] public string? AccountId { get; init; }
    [Id(7)] public string? IntegrationId { get; init; }

    [Id(8)] public decimal? Amount { get; init; }
    [Id(9)] public string? Currency { get; init; }
    [Id(10)] public DateTimeOffset? ExpectedCloseAt { get; init; }
    [Id(11)] public IReadOnlyList<string>? Products { get; init; }
    [Id(12)] public string? Decision { get; init; }
    [Id(13)] public string? Role { get; init; }
    [Id(14)] public string? Activity { get; init; }
    [Id(15)] public string? Stage { get; init; }
    [Id(16)] public string? Outcome { get; init; }
    [Id(17)] public string? Author { get; init; }
    [Id(18)] public string? Text { get; init; }

    [Id(19)] public string? Document { get; init; }
    [Id(20)] public string? Version { get; init; }
    [Id(21)] public string? Module { get; init; }
    [Id(22)] public string? Certification { get; init; }
    [Id(23)] public DateTimeOffset? ExpiresAt { get; init; }
    [Id(24)] public int? Score { get; init; }
    [Id(25)] public string? Comment { get; init; }

    [Id(26)] public string? Region { get; init; }
    [Id(27)] public string? Industry { get; init; }
    [Id(28)] public string? Source { get; init; }
    [Id(29)] public string? SourcePartnerId { get; init; }
    [Id(30)] public string? Reason { get; init; }

    [Id(31)] public string? Suite { get; init; }
    [Id(32)] public int? Passed { get; init; }
    [Id(33)] public int? Failed { get; init; }
    [Id(34)] public decimal? P95LatencyMs { get; init; }
    [Id(35)] public IReadOnlyList<SecurityFinding>? SecurityFindings { get; init; }
    [Id(36)] public long? Errors { get; init; }
    [Id(37)] public long? Calls { get; init; }
    /// <summary>The account as the client typed it, before normalization.</summary>
    [Id(38), System.Text.Json.Serialization.JsonIgnore] public string? AccountIdAsSent { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.SecurityFinding")]
public sealed record SecurityFinding([property: Id(0)] string Severity, [property: Id(1)] string Title);
