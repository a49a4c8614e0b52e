using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;

namespace Ecosystem.Grains.Tests.Infrastructure;

/// <summary>
/// Contract events as a client would send them. Each one is written as JSON and read with the intake's
/// own parser, so the record a grain is handed is exactly the one the log gives back on a re-read.
/// </summary>
public static class TestEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    /// <summary>An id no other test uses. The prefix keeps it from looking like a number.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static PendingEvent DealRegistered(string dealId, string partnerId, DateTimeOffset at, decimal amount = 12_000m) => Make(new JsonObject
    {
        ["type"] = EventTypes.DealRegistered,
        ["occurredAt"] = Time(at),
        ["dealId"] = dealId,
        ["partnerId"] = partnerId,
        ["accountId"] = "acme.example",
        ["amount"] = amount,
        ["currency"] = "USD",
    });

    public static PendingEvent DealTouch(string dealId, string partnerId, string role, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.DealTouch,
        ["occurredAt"] = Time(at),
        ["dealId"] = dealId,
        ["partnerId"] = partnerId,
        ["role"] = role,
    });

    public static PendingEvent DealStageChanged(string dealId, string stage, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.DealStageChanged,
        ["occurredAt"] = Time(at),
        ["dealId"] = dealId,
        ["stage"] = stage,
    });

    public static PendingEvent DealMessage(string dealId, string text, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.DealMessage,
        ["occurredAt"] = Time(at),
        ["dealId"] = dealId,
        ["author"] = "rep-1",
        ["text"] = text,
    });

    public static PendingEvent AgreementSigned(string partnerId, string document, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.AgreementSigned,
        ["occurredAt"] = Time(at),
        ["partnerId"] = partnerId,
        ["document"] = document,
        ["version"] = "2026-01",
    });

    public static PendingEvent LeadSubmitted(string leadId, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.LeadSubmitted,
        ["occurredAt"] = Time(at),
        ["leadId"] = leadId,
        ["accountId"] = "acme.example",
        ["region"] = "emea",
        ["industry"] = "retail",
        ["source"] = "marketing",
    });

    /// <summary>lead.accepted or lead.declined.</summary>
    public static PendingEvent LeadAnswered(string type, string leadId, string partnerId, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = type,
        ["occurredAt"] = Time(at),
        ["leadId"] = leadId,
        ["partnerId"] = partnerId,
    });

    public static PendingEvent LeadConverted(string leadId, string dealId, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.LeadConverted,
        ["occurredAt"] = Time(at),
        ["leadId"] = leadId,
        ["dealId"] = dealId,
    });

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The sender of the tests' events: the channel team's key, whose events count at once.</summary>
    public static readonly EventActor Admin = new("admin", "admin");

    private static PendingEvent Make(JsonObject json)
    {
        json["id"] = NewId("evt");
        var raw = json.ToJsonString();
        using var doc = JsonDocument.Parse(raw);
        var parsed = EventParser.Parse(doc.RootElement, now: null);
        return new PendingEvent(parsed.Event ?? throw new InvalidOperationException($"Test event does not parse: {parsed.Error}"), Admin);
    }

    /// <summary>Appends to the real log and returns the events as the intake would deliver them (with their real seqs).</summary>
    public static async Task<IReadOnlyList<LoggedEvent>> WriteAsync(this IEventLog log, params PendingEvent[] events)
    {
        var outcomes = await log.AppendAsync(events);
        var logged = new List<LoggedEvent>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.False(outcomes[i].Duplicate, $"event {events[i].Event.Id} was refused as a duplicate");
            logged.Add(outcomes[i].ToLogged(events[i]));
        }

        return logged;
    }

    public static async Task<LoggedEvent> WriteAsync(this IEventLog log, PendingEvent e) => (await log.WriteAsync([e]))[0];
}
