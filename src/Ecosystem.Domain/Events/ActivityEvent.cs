namespace Ecosystem.Domain.Events;

/// <summary>
/// One validated activity event. Flat to its readers (and in JSON): every type uses a subset of the
/// fields, the rest stay null. The raw JSON the client sent is kept beside it in the log, verbatim.
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
    /// <summary><c>deal.claim_reviewed</c>: the claim (the event id of the partner's touch) it decides.</summary>
    [Id(19)] public string? ClaimId { get; init; }
    /// <summary>
    /// A REST change (<see cref="EventTypes.Changes"/>): what was set, as a JSON object (never a secret). Held as JSON text
    /// so that grains pass it on without knowing its shape; the event's JSON shows it as an object.
    /// </summary>
    [Id(20), System.Text.Json.Serialization.JsonConverter(typeof(RawJsonObjectConverter))] public string? Details { get; init; }

    public string? Document { get => _program?.Document; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { Document = value }; }
    public string? Version { get => _program?.Version; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { Version = value }; }
    public string? Module { get => _program?.Module; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { Module = value }; }
    public string? Certification { get => _program?.Certification; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { Certification = value }; }
    public DateTimeOffset? ExpiresAt { get => _program?.ExpiresAt; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { ExpiresAt = value }; }
    public int? Score { get => _program?.Score; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { Score = value }; }
    public string? Comment { get => _program?.Comment; init => _program = value is null && _program is null ? null : (_program ?? ProgramFields.None) with { Comment = value }; }

    public string? Region { get => _lead?.Region; init => _lead = value is null && _lead is null ? null : (_lead ?? LeadFields.None) with { Region = value }; }
    public string? Industry { get => _lead?.Industry; init => _lead = value is null && _lead is null ? null : (_lead ?? LeadFields.None) with { Industry = value }; }
    public string? Source { get => _lead?.Source; init => _lead = value is null && _lead is null ? null : (_lead ?? LeadFields.None) with { Source = value }; }
    public string? SourcePartnerId { get => _lead?.SourcePartnerId; init => _lead = value is null && _lead is null ? null : (_lead ?? LeadFields.None) with { SourcePartnerId = value }; }
    public string? Reason { get => _lead?.Reason; init => _lead = value is null && _lead is null ? null : (_lead ?? LeadFields.None) with { Reason = value }; }

    public string? Suite { get => _integration?.Suite; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { Suite = value }; }
    public int? Passed { get => _integration?.Passed; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { Passed = value }; }
    public int? Failed { get => _integration?.Failed; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { Failed = value }; }
    public decimal? P95LatencyMs { get => _integration?.P95LatencyMs; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { P95LatencyMs = value }; }
    public IReadOnlyList<SecurityFinding>? SecurityFindings { get => _integration?.SecurityFindings; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { SecurityFindings = value }; }
    public long? Errors { get => _integration?.Errors; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { Errors = value }; }
    public long? Calls { get => _integration?.Calls; init => _integration = value is null && _integration is null ? null : (_integration ?? IntegrationFields.None) with { Calls = value }; }

    /// <summary>The account as the client typed it, before normalization.</summary>
    [Id(38), System.Text.Json.Serialization.JsonIgnore] public string? AccountIdAsSent { get; init; }

    // The fields of the partner-program, lead and integration types live in one small record each, made only for
    // events of those types: a deal event (most of the traffic, and every entry of every deal timeline held in memory)
    // is half the size it would be with every field inline.
    [Id(39)] private ProgramFields? _program;
    [Id(40)] private LeadFields? _lead;
    [Id(41)] private IntegrationFields? _integration;
}

[GenerateSerializer, Immutable, Alias("eco.ActivityEvent.ProgramFields")]
public sealed record ProgramFields
{
    public static readonly ProgramFields None = new();

    [Id(0)] public string? Document { get; init; }
    [Id(1)] public string? Version { get; init; }
    [Id(2)] public string? Module { get; init; }
    [Id(3)] public string? Certification { get; init; }
    [Id(4)] public DateTimeOffset? ExpiresAt { get; init; }
    [Id(5)] public int? Score { get; init; }
    [Id(6)] public string? Comment { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.ActivityEvent.LeadFields")]
public sealed record LeadFields
{
    public static readonly LeadFields None = new();

    [Id(0)] public string? Region { get; init; }
    [Id(1)] public string? Industry { get; init; }
    [Id(2)] public string? Source { get; init; }
    [Id(3)] public string? SourcePartnerId { get; init; }
    [Id(4)] public string? Reason { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.ActivityEvent.IntegrationFields")]
public sealed record IntegrationFields
{
    public static readonly IntegrationFields None = new();

    [Id(0)] public string? Suite { get; init; }
    [Id(1)] public int? Passed { get; init; }
    [Id(2)] public int? Failed { get; init; }
    [Id(3)] public decimal? P95LatencyMs { get; init; }
    [Id(4)] public IReadOnlyList<SecurityFinding>? SecurityFindings { get; init; }
    [Id(5)] public long? Errors { get; init; }
    [Id(6)] public long? Calls { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.SecurityFinding")]
public sealed record SecurityFinding([property: Id(0)] string Severity, [property: Id(1)] string Title);

/// <summary>Writes a string that holds a JSON object as that object, and reads an object back as its text.</summary>
public sealed class RawJsonObjectConverter : System.Text.Json.Serialization.JsonConverter<string?>
{
    public override bool HandleNull => false;

    public override string? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        using var doc = System.Text.Json.JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, string? value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteRawValue(value!, skipInputValidation: false);
}
