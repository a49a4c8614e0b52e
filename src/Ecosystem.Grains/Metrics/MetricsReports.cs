using Ecosystem.Domain.Program;
using Ecosystem.Domain.Money;
using Ecosystem.Domain.Attribution;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Metrics;
using Ecosystem.Contracts.Partners;
using Ecosystem.Grains.Deals;
using Ecosystem.Grains.Leads;

namespace Ecosystem.Grains.Metrics;

/// <summary>What partners, deals and leads report to <see cref="IMetricsGrain"/>, built from their own state.</summary>
public static class MetricsReports
{
    /// <summary>A partner's part: its place in the breakdowns, activation days, risk, and its survey answers split for NPS.</summary>
    public static PartnerMetricsReport ForPartner(PartnerView view, IReadOnlyList<int> surveyScores)
    {
        int promoters = 0, passives = 0, detractors = 0;
        foreach (var score in surveyScores)
        {
            switch (score)
            {
                case >= 9:
                    promoters++;
                    break;
                case >= 7:
                    passives++;
                    break;
                default:
                    detractors++;
                    break;
            }
        }

        return new PartnerMetricsReport(view.PartnerType, view.Tier ?? "", view.LifecycleStage, view.Onboarding.ActivationDays,
            view.AtRisk.AtRisk, promoters, passives, detractors);
    }

    /// <summary>
    /// A deal's part, from its default-model attribution: none without a credited partner; sourced when a credit is
    /// marked sourced (the approved registrant, else the earliest sourced touch), influenced otherwise. The amount is
    /// the deal's (rounded to the currency's minor unit), converted at the rate of the close date once closed, else of
    /// the date of the deal's latest amount. Only who is credited matters here, so the credits are outlined
    /// (<see cref="AttributionCalculator.Outline"/>), not computed.
    /// </summary>
    public static DealMetricsReport? ForDeal(DealState deal, string? approvedRegistrant, ProgramSettings program)
    {
        if (deal.Amount is not { } amount || deal.Currency is not { } currency)
        {
            return null;
        }

        var input = new AttributionInput(amount, currency, deal.Touches, deal.Outcome is null ? null : deal.ClosedAt, approvedRegistrant);
        var (hasCredits, sourcedPartner) = AttributionCalculator.Outline(program.Attribution.DefaultModel, input, program.Attribution);
        if (!hasCredits)
        {
            return null;
        }

        DateTimeOffset? rateAt = deal.Outcome is not null ? deal.ClosedAt : deal.AmountChangedAt?.OccurredAt ?? deal.RegisteredAt;
        if (rateAt is not { } at)
        {
            return null;
        }

        return new DealMetricsReport(
            sourcedPartner is not null,
            deal.Outcome switch
            {
                "won" => DealMetricsStatus.Won,
                "lost" => DealMetricsStatus.Lost,
                _ => DealMetricsStatus.Open,
            },
            Currencies.Round(amount, currency),
            currency,
            DateOnly.FromDateTime(at.UtcDateTime));
    }

    /// <summary>
    /// A lead's part, from its history: offers made and how they ended, whether one is waiting now, whether the lead is
    /// unroutable or converted, and the seconds from the accepted offer to its acceptance. Null before it is submitted.
    /// </summary>
    public static LeadMetricsReport? ForLead(LeadState lead)
    {
        if (!lead.Submitted)
        {
            return null;
        }

        int offered = 0, accepted = 0, declined = 0, expired = 0;
        decimal? secondsToAccept = null;
        var offeredAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var h in lead.History)
        {
            switch (h.Outcome)
            {
                case "offered":
                    offered++;
                    offeredAt[h.PartnerId] = h.At;
                    break;
                case "accepted":
                    accepted++;
                    if (offeredAt.TryGetValue(h.PartnerId, out var at))
                    {
                        // Clock skew between the node that offered and the log that took the answer must not make it negative.
                        secondsToAccept = Math.Max(0, (decimal)(h.At - at).Ticks / TimeSpan.TicksPerSecond);
                    }

                    break;
                case "declined":
                    declined++;
                    break;
                case "expired":
                    expired++;
                    break;
            }
        }

        return new LeadMetricsReport(offered, accepted, declined, expired,
            lead.Status == LeadStatus.Offered, lead.Status == LeadStatus.Unroutable, lead.Status == LeadStatus.Converted, secondsToAccept);
    }
}

/// <summary>
/// The versions one entity activation stamps on its reports: the engine clock's ticks, and at least one more than the
/// last, so they grow with every report and a later activation (later in time) starts above an earlier one's.
/// </summary>
public sealed class MetricsReportVersion(TimeProvider time)
{
    private long _last;

    public long Next() => _last = Math.Max(_last + 1, time.GetUtcNow().UtcTicks);
}
