using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Domain.Events;

namespace Ecosystem.Domain.Tests.Support;

/// <summary>One valid event per type of the contract's table, and helpers to break them one field at a time.</summary>
internal static class SampleEvents
{
    /// <summary>The server clock the tests parse against.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One hour before <see cref="Now"/>.</summary>
    public const string OccurredAt = "2026-11-25T11:00:00Z";

    /// <summary>The event types of the contract's "Activity events" table, spelled as the contract spells them.</summary>
    public static readonly IReadOnlyList<string> ContractTypes =
    [
        "agreement.signed", "training.completed", "certification.earned", "partner.engaged", "survey.responded",
        "deal.registered", "deal.registration_reviewed", "deal.touch", "deal.stage_changed", "deal.amount_changed",
        "deal.closed", "deal.message", "lead.submitted", "lead.accepted", "lead.declined", "lead.converted",
        "account.churned", "integration.validation_reported", "integration.installed", "integration.uninstalled",
        "integration.error_reported", "marketplace.viewed",
        // v2: "Integrity and audit".
        "deal.claim_reviewed",
    ];

    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["agreement.signed"] = """{"partnerId":"p1","document":"program_terms","version":"2026-01"}""",
        ["training.completed"] = """{"partnerId":"p1","module":"sales-101"}""",
        ["certification.earned"] = """{"partnerId":"p1","certification":"implementation-expert","expiresAt":"2027-11-25T00:00:00+01:00"}""",
        ["partner.engaged"] = """{"partnerId":"p1","activity":"portal_login"}""",
        ["survey.responded"] = """{"partnerId":"p1","score":9,"comment":"Great program"}""",
        ["deal.registered"] = """{"dealId":"d1","partnerId":"p1","accountId":"https://www.Acme.com/about","amount":12345.678,"currency":"USD","expectedCloseAt":"2027-01-31T17:00:00-05:00","products":["crm","erp"]}""",
        ["deal.registration_reviewed"] = """{"dealId":"d1","decision":"approved"}""",
        ["deal.touch"] = """{"dealId":"d1","partnerId":"p2","role":"referral","activity":"intro call"}""",
        ["deal.stage_changed"] = """{"dealId":"d1","stage":"qualified"}""",
        ["deal.amount_changed"] = """{"dealId":"d1","amount":1000.5,"currency":"JPY"}""",
        ["deal.closed"] = """{"dealId":"d1","outcome":"won","amount":12.3456,"currency":"BHD"}""",
        ["deal.message"] = """{"dealId":"d1","author":"alice","text":"Customer wants a demo on Friday."}""",
        ["lead.submitted"] = """{"leadId":"l1","accountId":" Globex.COM. ","region":"emea","industry":"manufacturing","source":"partner","sourcePartnerId":"p3"}""",
        ["lead.accepted"] = """{"leadId":"l1","partnerId":"p1"}""",
        ["lead.declined"] = """{"leadId":"l1","partnerId":"p1","reason":"no capacity this quarter"}""",
        ["lead.converted"] = """{"leadId":"l1","dealId":"d1"}""",
        ["account.churned"] = """{"accountId":"WWW.Initech.com"}""",
        ["integration.validation_reported"] = """{"integrationId":"i1","suite":"certification-v2","passed":48,"failed":2,"p95LatencyMs":187.5,"securityFindings":[{"severity":"high","title":"Token logged in plain text"},{"severity":"low","title":"Verbose errors"}]}""",
        ["integration.installed"] = """{"integrationId":"i1","accountId":"acme.com"}""",
        ["integration.uninstalled"] = """{"integrationId":"i1","accountId":"acme.com"}""",
        ["integration.error_reported"] = """{"integrationId":"i1","errors":3,"calls":1200}""",
        ["marketplace.viewed"] = """{"integrationId":"i1","accountId":"acme.com"}""",
        ["deal.claim_reviewed"] = """{"dealId":"d1","claimId":"t-7","decision":"approved","reason":"joint call on record"}""",
    };

    /// <summary>A fresh, valid event of <paramref name="type"/>, free to be modified.</summary>
    public static JsonObject Valid(string type)
    {
        var e = new JsonObject
        {
            ["id"] = $"evt-{type}",
            ["type"] = type,
            ["occurredAt"] = OccurredAt,
        };

        foreach (var (name, value) in JsonNode.Parse(Fields[type])!.AsObject())
        {
            e[name] = value?.DeepClone();
        }

        return e;
    }

    /// <summary>Sets (or, with a null node, sets to JSON null) one field and returns the same object.</summary>
    public static JsonObject With(this JsonObject e, string field, JsonNode? value)
    {
        e[field] = value;
        return e;
    }

    public static JsonObject Without(this JsonObject e, string field)
    {
        e.Remove(field);
        return e;
    }

    public static ParsedEvent Parse(string json, DateTimeOffset? now)
    {
        using var document = JsonDocument.Parse(json);
        return EventParser.Parse(document.RootElement, now);
    }

    public static ParsedEvent Parse(JsonNode json, DateTimeOffset? now) => Parse(json.ToJsonString(), now);

    /// <summary>Parses against <see cref="Now"/> and asserts the event was accepted.</summary>
    public static ActivityEvent Accepted(JsonNode json)
    {
        var parsed = Parse(json, Now);
        Assert.True(parsed.IsValid, $"expected the event to be accepted, but: {parsed.Error}");
        Assert.Null(parsed.Error);
        return parsed.Event!;
    }

    /// <summary>Parses against <see cref="Now"/>, asserts the event was rejected and that the error names <paramref name="field"/>.</summary>
    public static string Rejected(JsonNode json, string field)
    {
        var parsed = Parse(json, Now);
        return AssertRejected(parsed, field);
    }

    public static string AssertRejected(ParsedEvent parsed, string field)
    {
        Assert.False(parsed.IsValid, "expected the event to be rejected, but it was accepted");
        Assert.Null(parsed.Event);
        Assert.NotNull(parsed.Error);
        Assert.StartsWith(field + ": ", parsed.Error, StringComparison.Ordinal);
        Assert.Contains(field, parsed.Errors!.Keys);
        return parsed.Error;
    }
}
