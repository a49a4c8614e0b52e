using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Partners;

/// <summary>One partner: its profile (master data) and what its events say about it.</summary>
public sealed class PartnerGrain(
    [PersistentState("partner", StorageNames.Default)] IPersistentState<ProjectionSnapshot<PartnerState>> snapshot,
    IEventLog log,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    Pushes pushes,
    ILogger<PartnerGrain> logger)
    : ProjectionGrain<PartnerState>(snapshot, log, logger), IPartnerGrain
{
    private PushThrottle? _throttle;

    private static readonly string[] StepOrder = ["nda", "program_terms", "training", "first_deal_or_lead"];

    protected override StreamKind Kind => StreamKind.Partner;

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        s.EventCount++;
        if (s.LastActivityAt is null || e.OccurredAt > s.LastActivityAt)
        {
            s.LastActivityAt = e.OccurredAt;
        }

        switch (e.Type)
        {
            // Whatever order events arrive in, a step is done at its earliest occurrence.
            case EventTypes.AgreementSigned:
                MarkStep(e.Document!, e.OccurredAt);
                break;
            case EventTypes.TrainingCompleted:
                MarkStep("training", e.OccurredAt);
                break;
            case EventTypes.CertificationEarned:
                // The latest award of a certification decides its expiry.
                if (!s.CertificationEarnedAt.TryGetValue(e.Certification!, out var earned) || e.OccurredAt >= earned)
                {
                    s.Certifications[e.Certification!] = e.ExpiresAt;
                    s.CertificationEarnedAt[e.Certification!] = e.OccurredAt;
                }

                break;
            case EventTypes.DealRegistered:
            case EventTypes.LeadAccepted:
                MarkStep("first_deal_or_lead", e.OccurredAt);
                break;
        }
    }

    private void MarkStep(string step, DateTimeOffset at)
    {
        if (!State.Steps.TryGetValue(step, out var done) || at < done)
        {
            State.Steps[step] = at;
        }
    }

    public async Task<(PartnerView View, bool Created)> PutProfile(PartnerProfile profile)
    {
        var created = State.Profile is null;
        State.Profile = profile;
        await SaveAsync();
        await PushChangedAsync();
        return (BuildView()!, created);
    }

    public Task<PartnerView?> GetView() => Task.FromResult(BuildView());

    public async Task SetDealContribution(string dealId, DealContribution? contribution)
    {
        var changed = contribution is null ? State.Deals.Remove(dealId) : !Equals(State.Deals.GetValueOrDefault(dealId), contribution);
        if (contribution is not null)
        {
            State.Deals[dealId] = contribution;
        }

        if (changed)
        {
            // Not in this partner's event stream, so saved at once rather than at the next checkpoint.
            await SaveAsync();
            await PushChangedAsync();
        }
    }

    /// <summary>
    /// Revenue figures count won deals, in the reporting currency at the rate of the close date:
    /// sourced = the amounts of won deals this partner sourced; influenced = the amounts of won deals it
    /// took part in without sourcing; attributed = its credits on won deals (default model). Won and lost
    /// count closed deals it took part in. A won deal with no rate in force is listed under unconverted.
    /// </summary>
    private PartnerKpis Kpis(DateTimeOffset now)
    {
        decimal sourced = 0, influenced = 0, attributed = 0;
        int won = 0, lost = 0;
        var unconverted = new List<UnconvertedDeal>();
        foreach (var (dealId, d) in State.Deals.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (d.Outcome != "won")
            {
                lost++;
                continue;
            }

            won++;
            if (d.ReportingAmount is not { } amount || d.ReportingCredit is not { } credit)
            {
                unconverted.Add(new UnconvertedDeal(dealId, d.Amount, d.Currency, d.ClosedAt));
                continue;
            }

            if (d.Sourced)
            {
                sourced += amount;
            }
            else
            {
                influenced += amount;
            }

            attributed += credit;
        }

        return new PartnerKpis
        {
            SourcedRevenue = sourced,
            InfluencedRevenue = influenced,
            AttributedRevenue = attributed,
            WonDeals = won,
            LostDeals = lost,
            Certifications = State.Certifications.Count(c => c.Value is null || c.Value > now),
            Unconverted = unconverted,
        };
    }

    protected override Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied) => PushChangedAsync();

    private Task PushChangedAsync()
    {
        _throttle ??= new PushThrottle(TimeSpan.FromMilliseconds(100), async () =>
        {
            if (BuildView() is { } view)
            {
                await pushes.PartnerChanged(view);
            }
        }, (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _throttle.RequestAsync();
    }

    private PartnerView? BuildView()
    {
        var s = State;
        if (s.Profile is not { } p)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var steps = StepOrder
            .Select(name => new OnboardingStepView(name, s.Steps.TryGetValue(name, out var at), s.Steps.TryGetValue(name, out var at2) ? at2 : null))
            .ToList();
        DateTimeOffset? activatedAt = s.Steps.TryGetValue("first_deal_or_lead", out var act) ? act : null;
        decimal? activationDays = activatedAt is { } a && s.Steps.TryGetValue("program_terms", out var terms)
            ? Math.Round((decimal)(a - terms).TotalDays, 1)
            : null;
        var stage = activatedAt is not null ? "active"
            : s.Steps.ContainsKey("program_terms") || s.Steps.ContainsKey("nda") ? "onboarding"
            : "applied";

        return new PartnerView
        {
            PartnerId = Key,
            Name = p.Name,
            PartnerType = p.PartnerType,
            Region = p.Region,
            Industries = p.Industries,
            AcceptsLeads = p.AcceptsLeads,
            Capacity = p.Capacity,
            PayoutCurrency = p.PayoutCurrency,
            LifecycleStage = stage,
            Onboarding = new OnboardingView { Steps = steps, ActivatedAt = activatedAt, ActivationDays = activationDays },
            Kpis = Kpis(now),
            LastActivityAt = s.LastActivityAt,
            EventCount = s.EventCount,
        };
    }
}
