using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;
using Ecosystem.EventLog;
using Ecosystem.Grains.Integrations;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Tests.Infrastructure;

namespace Ecosystem.Grains.Tests.Integrations;

/// <summary>Integration events as a client would send them, read with the intake's own parser (as <see cref="TestEvents"/> does).</summary>
internal static class IntegrationEvents
{
    public static PendingEvent Validation(string integrationId, string suite, int passed, int failed, decimal p95LatencyMs, DateTimeOffset at,
        params (string Severity, string Title)[] findings) => Make(new JsonObject
    {
        ["type"] = EventTypes.IntegrationValidationReported,
        ["occurredAt"] = Time(at),
        ["integrationId"] = integrationId,
        ["suite"] = suite,
        ["passed"] = passed,
        ["failed"] = failed,
        ["p95LatencyMs"] = p95LatencyMs,
        ["securityFindings"] = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject { ["severity"] = f.Severity, ["title"] = f.Title })]),
    });

    public static PendingEvent Errors(string integrationId, long errors, long calls, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = EventTypes.IntegrationErrorReported,
        ["occurredAt"] = Time(at),
        ["integrationId"] = integrationId,
        ["errors"] = errors,
        ["calls"] = calls,
    });

    /// <summary>integration.installed or integration.uninstalled.</summary>
    public static PendingEvent Install(string type, string integrationId, string accountId, DateTimeOffset at) => Make(new JsonObject
    {
        ["type"] = type,
        ["occurredAt"] = Time(at),
        ["integrationId"] = integrationId,
        ["accountId"] = accountId,
    });

    public static PendingEvent Viewed(string integrationId, DateTimeOffset at, string? accountId = null)
    {
        var json = new JsonObject
        {
            ["type"] = EventTypes.MarketplaceViewed,
            ["occurredAt"] = Time(at),
            ["integrationId"] = integrationId,
        };
        if (accountId is not null)
        {
            json["accountId"] = accountId;
        }

        return Make(json);
    }

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

/// <summary>What the integration tests share: a definition, delivery as the intake does it, the marketplace, and waits on the engine clock's work.</summary>
internal static class IntegrationTestKit
{
    public static IMarketplaceGrain Marketplace(this GrainClusterFixture fixture) =>
        fixture.Client.GetGrain<IMarketplaceGrain>(IMarketplaceGrain.Key);

    /// <summary>A defined integration of a new technology partner, in a category of its own (so the marketplace can be read per test).</summary>
    public static async Task<IIntegrationGrain> NewIntegrationAsync(this GrainClusterFixture fixture, string integrationId, string category, string? partnerId = null)
    {
        var integration = fixture.Client.GetGrain<IIntegrationGrain>(integrationId);
        var result = await integration.PutDefinition(new IntegrationProfile
        {
            PartnerId = partnerId ?? TestEvents.NewId("tech"),
            Name = "CRM Sync " + integrationId,
            Category = category,
            Description = "Keeps accounts and contacts in step with the CRM.",
        }, ownerMayChange: false);
        Assert.True(result.Created, result.RefusedBecause);
        return integration;
    }

    /// <summary>
    /// Appends the events to the real log, then hands them out as the intake does: to the integration (its stream) and,
    /// in one call, to the marketplace (those naming an account, and listing views).
    /// </summary>
    public static async Task<IReadOnlyList<LoggedEvent>> DeliverAsync(this GrainClusterFixture fixture, IIntegrationGrain integration, params PendingEvent[] events)
    {
        var logged = await fixture.Log.WriteAsync(events);
        await integration.Apply(logged);
        var forMarketplace = logged.Where(e => e.Event.AccountId is not null || e.Event.Type == EventTypes.MarketplaceViewed).ToList();
        if (forMarketplace.Count > 0)
        {
            await fixture.Marketplace().Apply(forMarketplace);
        }

        return logged;
    }

    public static async Task<IntegrationView> ViewAsync(this IIntegrationGrain integration) =>
        await integration.GetView() ?? throw new InvalidOperationException("The integration has no view.");

    public static QualityComponentView Component(this IntegrationView view, string name) =>
        view.Quality.Components.Single(c => c.Name == name);

    public static Task<ProjectionSnapshot<IntegrationState>?> SavedAsync(this GrainClusterFixture fixture, IIntegrationGrain integration) =>
        fixture.TryReadSnapshotAsync<ProjectionSnapshot<IntegrationState>>("integration", integration);

    /// <summary>The marketplace's listing of one integration in a category, or null when it is not listed.</summary>
    public static async Task<RankedListing?> ListingAsync(this GrainClusterFixture fixture, string category, string integrationId) =>
        (await fixture.Marketplace().Rank(category, null)).SingleOrDefault(r => r.Listing.IntegrationId == integrationId);

    /// <summary>
    /// Waits (up to 10 s of real time) until <paramref name="read"/> satisfies <paramref name="condition"/>: the proof that work
    /// the engine clock started (a timer callback, which runs as a call on the grain) happened.
    /// </summary>
    public static async Task<T> WhenAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Never saw {what} within 10 s; last: {value}");
            }

            await Task.Delay(20);
        }
    }
}
