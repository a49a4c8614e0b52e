using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Grains.Partners;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Tests.Infrastructure;

namespace Ecosystem.Grains.Tests.Partners;

/// <summary>Partner events as a client would send them, read with the intake's own parser (as <see cref="TestEvents"/> does).</summary>
internal static class PartnerEvents
{
    public static PendingEvent TrainingCompleted(string partnerId, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.TrainingCompleted,
        ["occurredAt"] = Time(at),
        ["partnerId"] = partnerId,
        ["module"] = "sales-101",
    });

    public static PendingEvent CertificationEarned(string partnerId, string certification, DateTimeOffset at, DateTimeOffset? expiresAt = null)
    {
        var json = new JsonObject
        {
            ["type"] = EventTypes.CertificationEarned,
            ["occurredAt"] = Time(at),
            ["partnerId"] = partnerId,
            ["certification"] = certification,
        };
        if (expiresAt is { } expires)
        {
            json["expiresAt"] = Time(expires);
        }

        return Make(json);
    }

    public static PendingEvent SurveyResponded(string partnerId, int score, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.SurveyResponded,
        ["occurredAt"] = Time(at),
        ["partnerId"] = partnerId,
        ["score"] = score,
    });

    public static PendingEvent Engaged(string partnerId, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.PartnerEngaged,
        ["occurredAt"] = Time(at),
        ["partnerId"] = partnerId,
        ["activity"] = "portal_login",
    });

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static PendingEvent Make(JsonObject json)
    {
        json["id"] = TestEvents.NewId("evt");
        var raw = json.ToJsonString();
        using var doc = JsonDocument.Parse(raw);
        var parsed = EventParser.Parse(doc.RootElement, now: null);
        return new PendingEvent(parsed.Event ?? throw new InvalidOperationException($"Test event does not parse: {parsed.Error}"), TestEvents.Admin);
    }
}

/// <summary>What the partner tests share: a profile, event delivery as the intake does it, and reads of the saved snapshot.</summary>
internal static class PartnerTestKit
{
    public static readonly PartnerProfile Profile = new()
    {
        Name = "Contoso Partners",
        PartnerType = "solutions",
        Region = "emea",
        Industries = ["retail"],
        AcceptsLeads = true,
        Capacity = 5,
        PayoutCurrency = "USD",
    };

    /// <summary>A partner with a profile (which arms its daily evaluation on the engine clock).</summary>
    public static async Task<IPartnerGrain> NewPartnerAsync(this GrainClusterFixture fixture, string partnerId)
    {
        var partner = fixture.Client.GetGrain<IPartnerGrain>(partnerId);
        await partner.PutProfile(Profile);
        return partner;
    }

    /// <summary>Appends the events to the real log and hands them to the partner, as the intake does.</summary>
    public static async Task DeliverAsync(this GrainClusterFixture fixture, IPartnerGrain partner, params PendingEvent[] events)
    {
        IReadOnlyList<LoggedEvent> logged = await fixture.Log.WriteAsync(events);
        await partner.Apply(logged);
    }

    public static async Task<PartnerView> ViewAsync(this IPartnerGrain partner) =>
        await partner.GetView() ?? throw new InvalidOperationException("The partner has no view.");

    public static Task<ProjectionSnapshot<PartnerState>?> SavedAsync(this GrainClusterFixture fixture, IPartnerGrain partner) =>
        fixture.TryReadSnapshotAsync<ProjectionSnapshot<PartnerState>>("partner", partner);

    /// <summary>
    /// Waits (up to 10 s of real time) until the partner's saved snapshot satisfies <paramref name="condition"/>: the proof
    /// that work the engine clock started (a timer callback, which runs as a call on the grain) happened and was saved.
    /// </summary>
    public static async Task<PartnerState> SavedWhenAsync(this GrainClusterFixture fixture, IPartnerGrain partner, Func<PartnerState, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        PartnerState? last = null;
        while (true)
        {
            last = (await fixture.SavedAsync(partner))?.State;
            if (last is not null && condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow >= deadline)
            {
                var history = last is null ? "no snapshot" : string.Join(", ", last.HealthHistory.Select(h => $"{h.At:O}={h.Score}"));
                Assert.Fail($"The saved partner state never showed {what} within 10 s (tier {last?.Tier}, below since {last?.TierBelowSince}, at risk {last?.AtRisk}, health history {history}).");
            }

            await Task.Delay(20);
        }
    }

    public static HealthComponentView Component(this PartnerView view, string name) =>
        view.Health!.Components.Single(c => c.Name == name);

    public static OnboardingStepView Step(this PartnerView view, string name) =>
        view.Onboarding.Steps.Single(s => s.Name == name);
}
