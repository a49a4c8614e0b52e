using Ecosystem.Contracts.Integrations;
using Ecosystem.Domain.Integrations;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Integrations;

/// <summary>
/// Certification settled from evidence with the default program thresholds (suites functional and security, p95 at
/// most 1000 ms, no open high finding, error rate at most 5% over 24 h), its history, and quality moving with time alone.
/// The engine clock is fake: time passes only when a test advances it.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class IntegrationCertificationTests(GrainClusterFixture fixture)
{
    private static readonly string[] AllCriteriaPass =
    [
        "suite functional: latest run passed 40 of 40",
        "suite security: latest run passed 10 of 10",
        "p95 latency 300 ms (suite security) within the 1000 ms limit",
        "no open high-severity security finding",
        "no calls reported in the last 24 h",
    ];

    /// <summary>A new integration certified on passing runs of both required suites, reported now.</summary>
    private async Task<(IIntegrationGrain Integration, string Id, string Category)> CertifiedAsync()
    {
        var (id, category) = (NewId("int"), NewId("category"));
        var integration = await fixture.NewIntegrationAsync(id, category);
        var at = fixture.Time.GetUtcNow();
        await fixture.DeliverAsync(integration,
            IntegrationEvents.Validation(id, "functional", 40, 0, 200m, at),
            IntegrationEvents.Validation(id, "security", 10, 0, 300m, at));
        Assert.Equal(CertificationStatuses.Certified, (await integration.ViewAsync()).Certification.Status);
        return (integration, id, category);
    }

    [Fact]
    public async Task A_draft_is_certified_once_every_criterion_holds_and_the_change_is_kept_in_its_history()
    {
        var (id, category) = (NewId("int"), NewId("category"));
        var integration = await fixture.NewIntegrationAsync(id, category);
        var created = fixture.Time.GetUtcNow();
        var draft = await integration.ViewAsync();
        var draftListing = await fixture.ListingAsync(category, id);

        var at = created.AddHours(-1);
        await fixture.DeliverAsync(integration, IntegrationEvents.Validation(id, "functional", 40, 0, 200m, at));
        var half = await integration.ViewAsync();

        await fixture.DeliverAsync(integration, IntegrationEvents.Validation(id, "security", 10, 0, 300m, at));
        var certified = await integration.ViewAsync();

        Assert.Equal(CertificationStatuses.Draft, draft.Certification.Status);
        Assert.Equal(["suite functional: no run reported", "suite security: no run reported", "p95 latency not measured yet (no validation run)"],
            draft.Certification.Reasons);
        Assert.Empty(draft.History);
        Assert.Null(draftListing);

        Assert.Equal(CertificationStatuses.Draft, half.Certification.Status);
        Assert.Equal(["suite security: no run reported"], half.Certification.Reasons);

        Assert.Equal(CertificationStatuses.Certified, certified.Certification.Status);
        Assert.Equal(AllCriteriaPass, certified.Certification.Reasons);
        Assert.Equal(created, certified.Certification.Since);
        var change = Assert.Single(certified.History);
        Assert.Equal((created, "draft", "certified"), (change.At, change.From, change.To));
        Assert.Equal(AllCriteriaPass, change.Reasons);

        // Quality: pass rate 100×30% + latency 100×(1 − 300/2000)=85 ×20% + errors neutral 50×25% + uninstalls neutral 50×10%
        // + freshness 100×15% = 30 + 17 + 12.5 + 5 + 15 = 79.5 → 80.
        Assert.Equal(80, certified.Quality.Score);
        Assert.Equal(85m, certified.Component(QualityComponents.Latency).Score);
        Assert.Equal(80, (await fixture.ListingAsync(category, id))?.Listing.Quality);

        // A change of status is saved at once, history included, not at the next checkpoint.
        var saved = (await fixture.SavedAsync(integration))!.State;
        Assert.Equal(CertificationStatuses.Certified, saved.Status);
        Assert.Equal("certified", Assert.Single(saved.History).To);
    }

    [Fact]
    public async Task An_error_spike_suspends_a_certified_integration_and_it_is_reinstated_when_the_spike_leaves_the_window()
    {
        var (integration, id, category) = await CertifiedAsync();
        var spikeAt = fixture.Time.GetUtcNow();

        await fixture.DeliverAsync(integration, IntegrationEvents.Errors(id, 12, 100, spikeAt));
        var suspended = await integration.ViewAsync();
        var listedWhileSuspended = await fixture.ListingAsync(category, id);

        // Nothing happens but time: the report leaves the 24-hour window at spikeAt + 24 h, when the timer settles it.
        fixture.Time.Advance(TimeSpan.FromHours(23));
        var stillSuspended = await integration.ViewAsync();
        fixture.Time.Advance(TimeSpan.FromHours(1));
        var reinstated = await IntegrationTestKit.WhenAsync(integration.ViewAsync,
            v => v.Certification.Status == CertificationStatuses.Certified, "the integration reinstated");
        var listedAgain = await IntegrationTestKit.WhenAsync(() => fixture.ListingAsync(category, id), l => l is not null, "the listing back");

        Assert.Equal(CertificationStatuses.Suspended, suspended.Certification.Status);
        Assert.Equal(["error rate 12.0% over 24 h above 5.0% (12 errors in 100 calls)"], suspended.Certification.Reasons);
        Assert.Equal(spikeAt, suspended.Certification.Since);
        Assert.Equal(2, suspended.History.Count);
        Assert.Equal((spikeAt, "certified", "suspended"), (suspended.History[1].At, suspended.History[1].From, suspended.History[1].To));
        Assert.Equal(suspended.Certification.Reasons, suspended.History[1].Reasons);
        // 12% is over twice the 5% threshold: the error component scores 0, so 80 − 12.5 = 67.5 → 67 (computed from the rounded parts).
        Assert.Equal(0m, suspended.Component(QualityComponents.ErrorRate).Score);
        Assert.Equal(67, suspended.Quality.Score);
        Assert.Null(listedWhileSuspended);

        Assert.Equal(CertificationStatuses.Suspended, stillSuspended.Certification.Status);

        Assert.Equal(spikeAt.AddHours(24), reinstated.Certification.Since);
        Assert.Equal(3, reinstated.History.Count);
        var back = reinstated.History[2];
        Assert.Equal((spikeAt.AddHours(24), "suspended", "certified"), (back.At, back.From, back.To));
        Assert.Contains("no calls reported in the last 24 h", back.Reasons);
        Assert.Equal(CertificationStatuses.Certified, listedAgain!.Listing.Status);
    }

    [Fact]
    public async Task A_high_severity_finding_suspends_and_a_clean_rerun_of_the_suite_reinstates()
    {
        var (integration, id, _) = await CertifiedAsync();
        var now = fixture.Time.GetUtcNow();

        // Later runs of the security suite replace the one that certified it (runs are kept by their time).
        await fixture.DeliverAsync(integration, IntegrationEvents.Validation(id, "security", 10, 0, 300m, now.AddMinutes(1),
            ("high", "SQL injection in /export"), ("low", "verbose error page")));
        var suspended = await integration.ViewAsync();
        await fixture.DeliverAsync(integration, IntegrationEvents.Validation(id, "security", 11, 0, 250m, now.AddMinutes(2)));
        var reinstated = await integration.ViewAsync();

        Assert.Equal(CertificationStatuses.Suspended, suspended.Certification.Status);
        Assert.Equal(["1 open high-severity security finding: SQL injection in /export (suite security)"], suspended.Certification.Reasons);
        Assert.Equal(CertificationStatuses.Certified, reinstated.Certification.Status);
        Assert.Equal(["draft→certified", "certified→suspended", "suspended→certified"], reinstated.History.Select(h => $"{h.From}→{h.To}"));
    }

    [Fact]
    public async Task A_validation_going_stale_lowers_quality_with_time_alone_and_the_marketplace_hears_of_it()
    {
        var (integration, id, category) = await CertifiedAsync();
        var fresh = await integration.ViewAsync();

        // No event for 60 days: freshness falls from 100 (30 days fresh) towards 0 (stale at 90): 100 × (90 − 60) / 60 = 50.
        fixture.Time.Advance(TimeSpan.FromDays(60));
        var listing = await IntegrationTestKit.WhenAsync(() => fixture.ListingAsync(category, id),
            l => l?.Listing.Quality == 72, "the marketplace listing at quality 72");
        var stale = await integration.ViewAsync();

        Assert.Equal(80, fresh.Quality.Score);
        Assert.Equal(100m, fresh.Component(QualityComponents.Freshness).Score);
        // 30 + 17 + 12.5 + 5 + 50×15% = 72.
        Assert.Equal(72, stale.Quality.Score);
        var freshness = stale.Component(QualityComponents.Freshness);
        Assert.Equal(50m, freshness.Score);
        Assert.Equal("last validation 60 days ago (fresh for 30 days, stale at 90)", freshness.Detail);
        // Staleness lowers quality; it does not by itself touch certification.
        Assert.Equal(CertificationStatuses.Certified, stale.Certification.Status);
        Assert.Single(stale.History);
        Assert.Equal(CertificationStatuses.Certified, listing!.Listing.Status);
        Assert.True(stale.UpdatedAt > fresh.UpdatedAt, "the evaluation that lowered the quality is the latest update");
    }

    [Fact]
    public async Task A_partner_cannot_take_over_another_partners_integration_but_the_admin_can_move_it()
    {
        var (id, owner, other) = (NewId("int"), NewId("tech"), NewId("tech"));
        var integration = await fixture.NewIntegrationAsync(id, NewId("category"), owner);
        var takeOver = new IntegrationProfile { PartnerId = other, Name = "Mine now", Category = "crm" };

        var refused = await integration.PutDefinition(takeOver, ownerMayChange: false);
        var afterRefusal = await integration.GetOwner();
        var moved = await integration.PutDefinition(takeOver, ownerMayChange: true);

        Assert.Null(refused.View);
        Assert.Equal($"Integration '{id}' belongs to another partner.", refused.RefusedBecause);
        Assert.Equal(owner, afterRefusal);
        Assert.False(moved.Created);
        Assert.Equal(other, moved.View!.PartnerId);
        Assert.Equal(other, await integration.GetOwner());
    }
}
