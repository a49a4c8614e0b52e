using Ecosystem.Contracts.Metrics;
using Ecosystem.Domain.Program;
using Ecosystem.Grains.Metrics;

namespace Ecosystem.Grains.Tests.Metrics;

/// <summary>The running totals behind GET /api/metrics: every new report takes the entity's old one out and puts the new one in.</summary>
public sealed class MetricsAggregateTests
{
    private static readonly DateOnly Day1 = new(2026, 3, 1);
    private static readonly DateOnly Day10 = new(2026, 3, 10);

    private static readonly ProgramSettings Program = new()
    {
        FxRates =
        [
            new FxRate { Currency = "EUR", Rate = 1.10m, ValidFrom = Day1 },
            new FxRate { Currency = "EUR", Rate = 1.20m, ValidFrom = Day10 },
        ],
    };

    private long _version;

    private long V() => ++_version;

    private static PartnerMetricsReport Partner(string type = "solutions", string tier = "registered", string stage = "onboarding",
        decimal? activationDays = null, bool atRisk = false, int promoters = 0, int passives = 0, int detractors = 0) =>
        new(type, tier, stage, activationDays, atRisk, promoters, passives, detractors);

    [Fact]
    public void A_partner_that_moves_on_leaves_its_old_tier_stage_risk_and_survey_answers_behind()
    {
        var metrics = new MetricsAggregate(new MetricsState(), Program);
        Assert.True(metrics.SetPartner("p1", V(), Partner(atRisk: true, detractors: 1)));
        Assert.True(metrics.SetPartner("p2", V(), Partner("technology", stage: "applied")));
        Assert.False(metrics.SetPartner("p2", V(), Partner("technology", stage: "applied")));

        Assert.True(metrics.SetPartner("p1", V(), Partner(tier: "silver", stage: "active", activationDays: 3.5m, promoters: 2, detractors: 1)));
        var figures = metrics.Figures(Program);

        Assert.Equal(2, figures.Partners.Total);
        Assert.Equal(new Dictionary<string, long> { ["technology"] = 1, ["solutions"] = 1, ["developer"] = 0, ["alliance"] = 0 }, figures.Partners.ByType);
        Assert.Equal(new Dictionary<string, long> { ["registered"] = 1, ["silver"] = 1, ["gold"] = 0, ["platinum"] = 0 }, figures.Partners.ByTier);
        Assert.Equal(new Dictionary<string, long> { ["applied"] = 1, ["onboarding"] = 0, ["active"] = 1, ["dormant"] = 0, ["churned"] = 0 }, figures.Partners.ByStage);
        Assert.Equal(
            [new PartnerCountCell("solutions", "silver", "active", 1), new PartnerCountCell("technology", "registered", "applied", 1)],
            figures.Partners.Breakdown);
        Assert.Empty(figures.AtRiskPartners);
        Assert.Equal(new ActivationMetrics { MedianDays = 3.5m, ActivatedPartners = 1 }, figures.Activation);
        // 2 promoters, 1 detractor of 3 answers: (2 − 1) × 100 / 3 = 33.33… → 33.3.
        Assert.Equal(new NpsMetrics { Score = 33.3m, Responses = 3, Promoters = 2, Passives = 0, Detractors = 1 }, figures.Nps);
    }

    [Fact]
    public void A_report_older_than_the_one_held_is_ignored_and_a_repeat_changes_nothing()
    {
        var metrics = new MetricsAggregate(new MetricsState(), Program);
        Assert.True(metrics.SetLead("l1", 5, new LeadMetricsReport(1, 1, 0, 0, false, false, false, 3m)));
        // Overtaken on the way: the offer alone (version 4) arrives after the acceptance (version 5).
        Assert.False(metrics.SetLead("l1", 4, new LeadMetricsReport(1, 0, 0, 0, true, false, false, null)));
        Assert.False(metrics.SetLead("l1", 5, new LeadMetricsReport(1, 1, 0, 0, false, false, false, 3m)));
        Assert.False(metrics.SetDeal("d1", 7, null, Program));
        Assert.False(metrics.SetDeal("d1", 6, new DealMetricsReport(true, DealMetricsStatus.Open, 1m, "USD", Day1), Program));

        var figures = metrics.Figures(Program);

        Assert.Equal(new LeadMetrics { Submitted = 1, Offered = 1, Accepted = 1, MedianSecondsToAccept = 3m }, figures.Leads);
        Assert.Equal(new RevenueSplit(), figures.Revenue.Sourced);
    }

    [Fact]
    public void Medians_are_the_middle_value_or_the_mean_of_the_two_middle_ones_and_follow_removals()
    {
        var metrics = new MetricsAggregate(new MetricsState(), Program);
        metrics.SetPartner("a", V(), Partner(activationDays: 10m));
        metrics.SetPartner("b", V(), Partner(activationDays: 2m));
        metrics.SetPartner("c", V(), Partner(activationDays: 5.5m));
        Assert.Equal(5.5m, metrics.Figures(Program).Activation.MedianDays);

        metrics.SetPartner("d", V(), Partner(activationDays: 7m));
        // 2, 5.5, 7, 10 → (5.5 + 7) / 2.
        Assert.Equal(6.25m, metrics.Figures(Program).Activation.MedianDays);

        metrics.SetPartner("c", V(), Partner());
        // c is no longer activated: 2, 7, 10.
        Assert.Equal(new ActivationMetrics { MedianDays = 7m, ActivatedPartners = 3 }, metrics.Figures(Program).Activation);
    }

    [Fact]
    public void A_deal_counts_once_in_sourced_or_influenced_revenue_as_open_pipeline_then_as_won_converted_at_its_rate_date()
    {
        var metrics = new MetricsAggregate(new MetricsState(), Program);
        metrics.SetDeal("d1", V(), new DealMetricsReport(true, DealMetricsStatus.Open, 1_000m, "EUR", Day1), Program);
        metrics.SetDeal("d2", V(), new DealMetricsReport(false, DealMetricsStatus.Open, 500m, "USD", Day1), Program);
        metrics.SetDeal("d3", V(), new DealMetricsReport(true, DealMetricsStatus.Lost, 900m, "USD", Day1), Program);
        metrics.SetDeal("d4", V(), new DealMetricsReport(true, DealMetricsStatus.Open, 100_000m, "JPY", Day1), Program);
        var open = metrics.Figures(Program).Revenue;

        // d1 closes won on day 10 for 2,000 EUR: 2,000 × 1.20 = 2,400.00; d2 loses its partner part.
        metrics.SetDeal("d1", V(), new DealMetricsReport(true, DealMetricsStatus.Won, 2_000m, "EUR", Day10), Program);
        metrics.SetDeal("d2", V(), null, Program);
        var won = metrics.Figures(Program).Revenue;

        // 1,000 EUR at 1.10 = 1,100.00 open; the JPY deal has no rate: counted as a deal, in no amount.
        Assert.Equal(new RevenueSplit { Won = 0m, Open = 1_100m, WonDeals = 0, OpenDeals = 2, LostDeals = 1 }, open.Sourced);
        Assert.Equal(new RevenueSplit { Won = 0m, Open = 500m, WonDeals = 0, OpenDeals = 1, LostDeals = 0 }, open.Influenced);
        Assert.Equal(1, open.UnconvertedDeals);
        Assert.Equal("USD", open.Currency);
        Assert.Equal(new RevenueSplit { Won = 2_400m, Open = 0m, WonDeals = 1, OpenDeals = 1, LostDeals = 1 }, won.Sourced);
        Assert.Equal(new RevenueSplit(), won.Influenced);
        Assert.Equal(1, won.UnconvertedDeals);
    }

    [Fact]
    public void A_new_reporting_currency_or_rate_converts_every_deal_again()
    {
        var metrics = new MetricsAggregate(new MetricsState(), Program);
        metrics.SetDeal("d1", V(), new DealMetricsReport(true, DealMetricsStatus.Won, 1_000m, "EUR", Day1), Program);
        metrics.SetDeal("d2", V(), new DealMetricsReport(true, DealMetricsStatus.Won, 100m, "USD", Day1), Program);
        var inEur = Program with { ReportingCurrency = "EUR", FxRates = [new FxRate { Currency = "USD", Rate = 0.5m, ValidFrom = Day1 }] };

        var figures = metrics.Figures(inEur);

        // 1,000 EUR as it is, 100 USD × 0.5 = 50 EUR.
        Assert.Equal("EUR", figures.Revenue.Currency);
        Assert.Equal(1_050m, figures.Revenue.Sourced.Won);
    }

    [Fact]
    public void Lead_outcomes_replace_each_other_and_the_median_time_to_accept_is_rounded_to_milliseconds()
    {
        var metrics = new MetricsAggregate(new MetricsState(), Program);
        metrics.SetLead("l1", V(), new LeadMetricsReport(1, 0, 0, 0, true, false, false, null));
        metrics.SetLead("l2", V(), new LeadMetricsReport(2, 0, 1, 1, false, true, false, null));
        metrics.SetLead("l3", V(), new LeadMetricsReport(1, 1, 0, 0, false, false, true, 2.0004m));
        metrics.SetLead("l1", V(), new LeadMetricsReport(1, 1, 0, 0, false, false, false, 1.0001m));

        var leads = metrics.Figures(Program).Leads;

        // Offers: l1 1 + l2 2 + l3 1 = 4; the median of 1.0001 s and 2.0004 s is (1.0001 + 2.0004) / 2 = 1.50025 s → 1.500.
        Assert.Equal(new LeadMetrics
        {
            Submitted = 3, Offered = 4, Accepted = 2, Declined = 1, Expired = 1, Pending = 0, Unroutable = 1, Converted = 1,
            MedianSecondsToAccept = 1.500m,
        }, leads);
    }

    [Fact]
    public void Totals_rebuilt_from_the_saved_reports_are_the_totals_kept_report_by_report()
    {
        var state = new MetricsState();
        var live = new MetricsAggregate(state, Program);
        live.SetPartner("p1", V(), Partner(tier: "gold", stage: "active", activationDays: 4m, atRisk: true, promoters: 1, passives: 1));
        live.SetPartner("p2", V(), Partner("alliance"));
        live.SetDeal("d1", V(), new DealMetricsReport(false, DealMetricsStatus.Won, 10m, "EUR", Day10), Program);
        live.SetLead("l1", V(), new LeadMetricsReport(1, 1, 0, 0, false, false, false, 30m));

        var rebuilt = new MetricsAggregate(state, Program);

        Assert.Equivalent(live.Figures(Program), rebuilt.Figures(Program), strict: true);
        Assert.Equal(["p1"], rebuilt.Figures(Program).AtRiskPartners);
        Assert.Equal(12m, rebuilt.Figures(Program).Revenue.Influenced.Won);
    }
}
