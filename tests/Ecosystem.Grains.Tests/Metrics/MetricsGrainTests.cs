using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Metrics;
using Ecosystem.Grains.Metrics;
using Ecosystem.Grains.Tests.Infrastructure;
using Ecosystem.Grains.Tests.Partners;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Metrics;

/// <summary>
/// The metrics grain in a cluster. The cluster's own figures (key "metrics") are shared by every test of the collection,
/// so tests either use a private key or look only at their own entities' saved reports.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class MetricsGrainTests(GrainClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task One_way_reports_are_counted_in_version_order_and_the_totals_come_back_the_same_after_the_grain_is_reactivated()
    {
        var metrics = fixture.Client.GetGrain<IMetricsGrain>(NewId("metrics"));
        await metrics.ReportPartner("p1", 1, new PartnerMetricsReport("solutions", "registered", "onboarding", null, true, 0, 0, 0));
        await metrics.ReportPartner("p1", 2, new PartnerMetricsReport("solutions", "silver", "active", 2.5m, false, 1, 0, 1));
        await metrics.ReportDeal("d1", 1, new DealMetricsReport(true, DealMetricsStatus.Open, 1_000m, "USD", new DateOnly(2026, 11, 1)));
        await metrics.ReportDeal("d1", 2, new DealMetricsReport(true, DealMetricsStatus.Won, 1_500m, "USD", new DateOnly(2026, 11, 20)));
        await metrics.ReportLead("l1", 1, new LeadMetricsReport(2, 1, 1, 0, false, false, false, 90m));

        var before = await WaitForAsync(metrics, f => f.Leads.Submitted == 1 && f.Revenue.Sourced.WonDeals == 1 && f.Partners.ByTier["silver"] == 1);
        // Deactivation saves the reports; the next call activates the grain again from them.
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var after = await metrics.Get();

        Assert.Equal(new RevenueSplit { Won = 1_500m, WonDeals = 1 }, before.Revenue.Sourced);
        Assert.Equal(new ActivationMetrics { MedianDays = 2.5m, ActivatedPartners = 1 }, before.Activation);
        Assert.Equal(new NpsMetrics { Score = 0m, Responses = 2, Promoters = 1, Detractors = 1 }, before.Nps);
        Assert.Equal(new LeadMetrics { Submitted = 1, Offered = 2, Accepted = 1, Declined = 1, MedianSecondsToAccept = 90m }, before.Leads);
        Assert.Empty(before.AtRiskPartners);
        Assert.Equivalent(before, after, strict: true);
    }

    [Fact]
    public async Task A_partner_and_a_deal_report_their_part_as_they_change_and_the_cluster_figures_save_it_at_the_next_checkpoint()
    {
        var now = fixture.Time.GetUtcNow();
        var (partnerId, dealId) = (NewId("partner"), NewId("deal"));
        await fixture.NewPartnerAsync(partnerId);
        var deal = fixture.Client.GetGrain<IDealGrain>(dealId);
        await deal.Apply([await fixture.Log.WriteAsync(DealRegistered(dealId, partnerId, now.AddDays(-3), 12_000m))]);
        // A later change of the same deal within its 50 ms report interval goes out at the end of the interval.
        await deal.Apply([await fixture.Log.WriteAsync(Make.Closed(dealId, "won", now.AddDays(-1)))]);

        var saved = await SavedWhenAsync(s => s.Deals.TryGetValue(dealId, out var d) && d.Status == DealMetricsStatus.Won && s.Partners.ContainsKey(partnerId));

        // The registrant is the approved, sourcing partner; a won deal converts at its close date.
        Assert.Equal(new DealMetricsReport(true, DealMetricsStatus.Won, 12_000m, "USD", DateOnly.FromDateTime(now.AddDays(-1).UtcDateTime)), saved.Deals[dealId]);
        var partner = saved.Partners[partnerId];
        Assert.Equal(("solutions", "applied"), (partner.PartnerType, partner.LifecycleStage));
    }

    private static async Task<EcosystemFigures> WaitForAsync(IMetricsGrain metrics, Func<EcosystemFigures, bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        var figures = await metrics.Get();
        while (!condition(figures))
        {
            Assert.True(DateTime.UtcNow < deadline, "the reports were not all counted within 10 s: " + System.Text.Json.JsonSerializer.Serialize(figures));
            await Task.Delay(20);
            figures = await metrics.Get();
        }

        return figures;
    }

    /// <summary>
    /// Moves the engine clock past the grain's checkpoint delay until its saved state shows <paramref name="condition"/>:
    /// reports are one-way, and a report's checkpoint timer exists only once the report has arrived.
    /// </summary>
    private async Task<MetricsState> SavedWhenAsync(Func<MetricsState, bool> condition)
    {
        var grain = fixture.Client.GetGrain<IMetricsGrain>(IMetricsGrain.Key);
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(6));
            var saved = await fixture.TryReadSnapshotAsync<MetricsState>("metrics", grain);
            if (saved is not null && condition(saved))
            {
                return saved;
            }

            Assert.True(DateTime.UtcNow < deadline, "the cluster's metrics never saved the reports within 10 s");
            await Task.Delay(50);
        }
    }

    private static class Make
    {
        public static Ecosystem.EventLog.PendingEvent Closed(string dealId, string outcome, DateTimeOffset at)
        {
            var raw = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = NewId("evt"),
                ["type"] = "deal.closed",
                ["occurredAt"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["dealId"] = dealId,
                ["outcome"] = outcome,
            });
            using var doc = System.Text.Json.JsonDocument.Parse(raw);
            var parsed = Ecosystem.Domain.Events.EventParser.Parse(doc.RootElement, now: null);
            return new Ecosystem.EventLog.PendingEvent(parsed.Event!, Ecosystem.Grains.Tests.Infrastructure.TestEvents.Admin);
        }
    }
}
