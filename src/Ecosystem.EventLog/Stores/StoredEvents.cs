using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Accounts;
using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Money;

namespace Ecosystem.EventLog.Stores;

/// <summary>
/// The stored form of an event, shared by both databases. A row holds the event's JSON (<c>payload</c>), its schema
/// version, who sent it (<c>actor</c>) and what the owning grain decided on it (<c>meta</c>).
/// <list type="bullet">
/// <item>Version 1 (rows written before versions were recorded; <c>schema_version</c> NULL): the JSON exactly as the
/// client sent it, accepted by the intake rules of that day, with no actor.</item>
/// <item>Version 2: the validated event as the engine holds it (normalized account, rounded amounts), serialized.</item>
/// </list>
/// Reading deserializes and upcasts; it never runs the intake's validation again, so tightening an input rule cannot
/// stop a grain holding older events from activating.
/// </summary>
public static class StoredEvents
{
    public const int CurrentVersion = 2;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
    };

    public static string Column(StreamKind kind) => kind switch
    {
        StreamKind.Deal => "deal_id",
        StreamKind.Partner => "partner_id",
        StreamKind.Lead => "lead_id",
        StreamKind.Account => "account_id",
        StreamKind.Integration => "integration_id",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Deals whose registration was decided <c>pending_review</c> with no review event yet, newest first (both databases;
    /// the limit is appended). The log has no index by type, so this scans it: a page a person opens, not the hot path.
    /// </summary>
    public const string PendingRegistrationsSql = """
        SELECT e.deal_id, max(e.seq) AS last_seq FROM eco_events e
        WHERE e.type = 'deal.registered' AND e.deal_id IS NOT NULL AND e.meta LIKE '%pending_review%'
          AND NOT EXISTS (SELECT 1 FROM eco_events r WHERE r.deal_id = e.deal_id AND r.type = 'deal.registration_reviewed')
        GROUP BY e.deal_id ORDER BY last_seq DESC LIMIT
        """;

    public static string Payload(ActivityEvent e) => JsonSerializer.Serialize(e, Json);

    public static string Actor(EventActor actor) => JsonSerializer.Serialize(actor, Json);

    /// <summary>The decision stored beside the event, as JSON (null when there is none).</summary>
    public static string? Meta(PendingEvent e) =>
        e.Registration is null && !e.IsClaim ? null : JsonSerializer.Serialize(new EventMeta(e.Registration, e.IsClaim ? true : null), Json);

    public static LoggedEvent Read(long seq, DateTimeOffset acceptedAt, string payload, string? meta, string? actor, int? version)
    {
        var e = version switch
        {
            null or 1 => UpcastV1(payload),
            CurrentVersion => JsonSerializer.Deserialize<ActivityEvent>(payload, Json),
            _ => throw new InvalidDataException($"Logged event {seq} has schema version {version}, newer than this engine reads ({CurrentVersion})."),
        } ?? throw new InvalidDataException($"Logged event {seq} is empty.");
        var decision = meta is null ? null : JsonSerializer.Deserialize<EventMeta>(meta, Json);
        var who = actor is null ? EventActor.Unrecorded : JsonSerializer.Deserialize<EventActor>(actor, Json) ?? EventActor.Unrecorded;
        return new LoggedEvent(seq, acceptedAt, e, who, decision?.Registration, decision?.Claim == true);
    }

    /// <summary>
    /// A version-1 row: the client's JSON. It was valid under the rules of its day, so it is read as it is: the fields
    /// its type had then, with that day's normalization (account ids as <see cref="AccountDomain"/> normalized them,
    /// amounts rounded to their currency's minor unit, times in UTC). Nothing is checked; nothing is refused.
    /// </summary>
    private static ActivityEvent? UpcastV1(string payload)
    {
        var node = JsonNode.Parse(payload)?.AsObject() ?? throw new InvalidDataException("A version-1 event is not a JSON object.");
        var type = node["type"]?.GetValue<string>() ?? throw new InvalidDataException("A version-1 event has no type.");
        var fields = V1Fields.GetValueOrDefault(type, []);
        foreach (var name in node.Select(p => p.Key).ToList())
        {
            if (name is not ("id" or "type" or "occurredAt") && Array.IndexOf(fields, name) < 0)
            {
                node.Remove(name);
            }
        }

        var e = node.Deserialize<ActivityEvent>(Json);
        if (e is null)
        {
            return null;
        }

        e = e with
        {
            OccurredAt = e.OccurredAt.ToUniversalTime(),
            ExpectedCloseAt = e.ExpectedCloseAt?.ToUniversalTime(),
            ExpiresAt = e.ExpiresAt?.ToUniversalTime(),
        };
        if (e.AccountId is { } account)
        {
            e = e with { AccountIdAsSent = account, AccountId = AccountDomain.Normalize(account) };
        }

        if (e.Amount is { } amount && e.Currency is { } currency && Currencies.IsKnown(currency))
        {
            e = e with { Amount = Currencies.Round(amount, currency) };
        }

        if (type == EventTypes.IntegrationValidationReported && e.SecurityFindings is null)
        {
            e = e with { SecurityFindings = [] };
        }

        return e;
    }

    /// <summary>The fields each type had in version 1 (the contract's v1 event table).</summary>
    private static readonly Dictionary<string, string[]> V1Fields = new(StringComparer.Ordinal)
    {
        [EventTypes.AgreementSigned] = ["partnerId", "document", "version"],
        [EventTypes.TrainingCompleted] = ["partnerId", "module"],
        [EventTypes.CertificationEarned] = ["partnerId", "certification", "expiresAt"],
        [EventTypes.PartnerEngaged] = ["partnerId", "activity"],
        [EventTypes.SurveyResponded] = ["partnerId", "score", "comment"],
        [EventTypes.DealRegistered] = ["dealId", "partnerId", "accountId", "amount", "currency", "expectedCloseAt", "products"],
        [EventTypes.DealRegistrationReviewed] = ["dealId", "decision"],
        [EventTypes.DealTouch] = ["dealId", "partnerId", "role", "activity"],
        [EventTypes.DealStageChanged] = ["dealId", "stage"],
        [EventTypes.DealAmountChanged] = ["dealId", "amount", "currency"],
        [EventTypes.DealClosed] = ["dealId", "outcome", "amount", "currency"],
        [EventTypes.DealMessage] = ["dealId", "author", "text"],
        [EventTypes.LeadSubmitted] = ["leadId", "accountId", "region", "industry", "source", "sourcePartnerId"],
        [EventTypes.LeadAccepted] = ["leadId", "partnerId", "reason"],
        [EventTypes.LeadDeclined] = ["leadId", "partnerId", "reason"],
        [EventTypes.LeadConverted] = ["leadId", "dealId"],
        [EventTypes.AccountChurned] = ["accountId"],
        [EventTypes.IntegrationValidationReported] = ["integrationId", "suite", "passed", "failed", "p95LatencyMs", "securityFindings"],
        [EventTypes.IntegrationInstalled] = ["integrationId", "accountId"],
        [EventTypes.IntegrationUninstalled] = ["integrationId", "accountId"],
        [EventTypes.IntegrationErrorReported] = ["integrationId", "errors", "calls"],
        [EventTypes.MarketplaceViewed] = ["integrationId", "accountId"],
    };

    private sealed record EventMeta(RegistrationDecision? Registration, bool? Claim);
}
