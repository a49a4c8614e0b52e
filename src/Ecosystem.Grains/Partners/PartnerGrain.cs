using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Metrics;
using Ecosystem.Domain.Leads;
using Ecosystem.Domain.Partners;
using Ecosystem.Domain.Program;
using Ecosystem.EventLog;
using Ecosystem.Grains.Metrics;
using Ecosystem.Grains.Program;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Partners;

/// <summary>One partner: its profile (master data) and what its events say about it.</summary>
public sealed partial class PartnerGrain(
    [PersistentState("partner", StorageNames.Default)] IPersistentState<ProjectionSnapshot<PartnerState>> snapshot,
    IEventLog log,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    Pushes pushes,
    ProgramCache programs,
    ILogger<PartnerGrain> logger)
    : ProjectionGrain<PartnerState>(snapshot, log, logger), IPartnerGrain, IRemindable
{
    private PushThrottle? _throttle;
    private PartnerView? _viewToPush;
    private PushThrottle? _evaluation;
    private static readonly TimeSpan EvaluateInterval = TimeSpan.FromMilliseconds(100);

    private const string DailyReminder = "daily-evaluation";
    private static readonly TimeSpan EvaluateEvery = TimeSpan.FromDays(1);
    private static readonly string[] StepOrder = ["nda", "program_terms", "training", "first_deal_or_lead", "api_key_used"];
    private ITimer? _evaluationTimer;
    private bool _dailyChecked;
    private PartnerRoutingProfile? _lastRouting;

    protected override StreamKind Kind => StreamKind.Partner;

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        if (e.Type == EventTypes.DealTouch && logged.IsClaim)
        {
            s.Claims.Add(new PartnerClaimView(e.DealId!, e.Id, Contracts.Deals.ClaimStatus.Pending));
        }
        else if (e.Type == EventTypes.DealClaimReviewed)
        {
            // A rep's decision on this partner's claim, not the partner's own activity.
            var i = s.Claims.FindIndex(c => c.ClaimId == e.ClaimId && c.DealId == e.DealId);
            if (i >= 0)
            {
                s.Claims[i] = s.Claims[i] with { Status = e.Decision! };
            }

            return;
        }
        else if (EventTypes.Changes.Contains(e.Type))
        {
            // The channel team's edits of the profile are in the partner's history, but they are not its activity.
            return;
        }

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
            case EventTypes.SurveyResponded:
                s.SurveyScores.Add(e.Score!.Value);
                if (s.SurveyScores.Count > 50)
                {
                    s.SurveyScores.RemoveAt(0);
                }

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
        var oldRegion = State.Profile?.Region;
        State.Profile = profile;
        await SaveAsync();
        if (oldRegion is not null && !string.Equals(oldRegion, profile.Region, StringComparison.OrdinalIgnoreCase))
        {
            await GrainFactory.GetGrain<IRoutingIndexGrain>(IRoutingIndexGrain.KeyFor(oldRegion)).Remove(Key);
            _lastRouting = null;
        }

        await EnsureDailyEvaluationAsync();
        await ChangedAsync();
        return ((await BuildViewAsync())!, created);
    }

    public Task<PartnerView?> GetView() => BuildViewAsync();

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
            await ChangedAsync();
        }
    }

    public async Task SetLeadOutcome(string leadId, PartnerLeadRecord record)
    {
        if (Equals(State.Leads.GetValueOrDefault(leadId), record))
        {
            return;
        }

        State.Leads[leadId] = record;
        await SaveAsync();
        await ChangedAsync();
    }

    public async Task MarkCustomerChurned(string accountId)
    {
        if (State.ChurnedCustomers.Add(accountId))
        {
            await SaveAsync();
            await ChangedAsync();
        }
    }

    public async Task MarkApiKeyUsed(DateTimeOffset at)
    {
        if (!State.Steps.ContainsKey("api_key_used"))
        {
            State.Steps["api_key_used"] = at;
            await SaveAsync();
            await ChangedAsync();
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

        int offered = State.Leads.Count, acceptedLeads = 0, declined = 0, expired = 0;
        foreach (var lead in State.Leads.Values)
        {
            switch (lead.Outcome)
            {
                case "accepted" or "converted":
                    acceptedLeads++;
                    break;
                case "declined":
                    declined++;
                    break;
                case "expired":
                    expired++;
                    break;
            }
        }

        return new PartnerKpis
        {
            LeadsOffered = offered,
            LeadsAccepted = acceptedLeads,
            LeadsDeclined = declined,
            LeadsExpired = expired,
            SourcedRevenue = sourced,
            InfluencedRevenue = influenced,
            AttributedRevenue = attributed,
            WonDeals = won,
            LostDeals = lost,
            Certifications = State.Certifications.Count(c => c.Value is null || c.Value > now),
            Unconverted = unconverted,
        };
    }

    /// <summary>
    /// A busy partner (many deals touching it each second) is re-evaluated at most once per
    /// <see cref="EvaluateInterval"/>: the first change at once, the rest together at the end of the interval.
    /// </summary>
    protected override Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied)
    {
        _evaluation ??= new PushThrottle(EvaluateInterval, () => ChangedAsync(),
            (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _evaluation.RequestAsync();
    }

    /// <summary>Pushes <paramref name="view"/>, just built by the evaluation, or the latest one at the end of the interval.</summary>
    private Task PushChangedAsync(PartnerView view)
    {
        _viewToPush = view;
        _throttle ??= new PushThrottle(TimeSpan.FromMilliseconds(100), async () =>
        {
            if (_viewToPush is { } latest)
            {
                _viewToPush = null;
                await pushes.PartnerChanged(latest);
            }
        }, (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _throttle.RequestAsync();
    }

    private async Task<PartnerView?> BuildViewAsync() => Build(await programs.GetAsync(), time.GetUtcNow())?.View;

    /// <summary>Everything derived from the state at <paramref name="now"/>: health, stage, tier, risk, and the view.</summary>
    private Derived? Build(ProgramSettings program, DateTimeOffset now)
    {
        var s = State;
        if (s.Profile is not { } p)
        {
            return null;
        }

        var kpis = Kpis(now);
        var health = HealthScore.Compute(HealthInputsAt(kpis, now), program.Health, program.Routing.OfferTimeoutSeconds);
        DateTimeOffset? activatedAt = s.Steps.TryGetValue("first_deal_or_lead", out var act) ? act : null;
        DateTimeOffset? terms = s.Steps.TryGetValue("program_terms", out var t) ? t : null;
        DateTimeOffset? nda = s.Steps.TryGetValue("nda", out var n) ? n : null;
        var stage = Lifecycle.Stage(nda, terms, activatedAt, s.LastActivityAt, now);
        var tier = Tiers.Evaluate(s.Tier, new TierStanding(kpis.SourcedRevenue, kpis.Certifications, kpis.WonDeals, health.Score), program.Tiers, s.TierBelowSince, now);
        var risk = Domain.Partners.AtRisk.Evaluate(health.Score, HistoryInWindow(s.HealthHistory, now), program.Health.AtRiskThreshold, now);
        var steps = StepOrder
            .Select(name => new OnboardingStepView(name, s.Steps.ContainsKey(name), s.Steps.TryGetValue(name, out var at) ? at : null))
            .ToList();

        var view = new PartnerView
        {
            PartnerId = Key,
            Name = p.Name,
            PartnerType = p.PartnerType,
            Region = p.Region,
            Industries = p.Industries,
            AcceptsLeads = p.AcceptsLeads,
            Capacity = p.Capacity,
            PayoutCurrency = p.PayoutCurrency,
            Tier = tier.Tier,
            TierProgress = new TierProgressView(tier.NextTier, tier.MissingForNext, tier.MissingToKeep, tier.BelowSince),
            LifecycleStage = stage,
            Health = new HealthView(health.Score, [.. health.Components.Select(c => new HealthComponentView(c.Name, c.Score, c.Weight, c.Detail))], now),
            AtRisk = new AtRiskView(risk.AtRisk, risk.Reason),
            Claims = [.. s.Claims],
            Onboarding = new OnboardingView { Steps = steps, ActivatedAt = activatedAt, ActivationDays = Lifecycle.ActivationDays(terms, activatedAt) },
            Kpis = kpis,
            LastActivityAt = s.LastActivityAt,
            EventCount = s.EventCount,
        };
        return new Derived(view, health, tier, risk, stage, kpis);
    }

    /// <summary>
    /// The health history as the drop rule reads it. A point is recorded only when the score changes, so the score in
    /// force when the 7-day window opens is the last point before it; it counts as held at the window's start.
    /// Without it, a score held steady for more than a week and then falling fast would have no peak to fall from.
    /// </summary>
    private static List<HealthPoint> HistoryInWindow(List<HealthPoint> history, DateTimeOffset now)
    {
        var windowStart = now - Domain.Partners.AtRisk.HistoryToKeep;
        var points = new List<HealthPoint>(history.Count);
        HealthPoint? inForce = null;
        foreach (var point in history)
        {
            if (point.At >= windowStart)
            {
                points.Add(point);
            }
            else if (inForce is null || point.At >= inForce.At)
            {
                inForce = point;
            }
        }

        if (inForce is not null)
        {
            points.Add(inForce with { At = windowStart });
        }

        return points;
    }

    private sealed record Derived(PartnerView View, Health Health, TierDecision Tier, RiskAssessment Risk, string Stage, PartnerKpis Kpis);

    private HealthInputs HealthInputsAt(PartnerKpis kpis, DateTimeOffset now)
    {
        var s = State;
        var answered = s.Leads.Values.Where(l => l.AnsweredAt is not null).Select(l => (decimal)(l.AnsweredAt!.Value - l.OfferedAt).TotalSeconds).ToList();
        var customers = s.Deals.Values.Where(d => d.Outcome == "won" && d.AccountId is not null).Select(d => d.AccountId!).Distinct(StringComparer.Ordinal).ToList();
        return new HealthInputs
        {
            LastActivityAt = s.LastActivityAt,
            // Rates count offers that have ended: one still waiting for an answer says nothing yet.
            LeadsOffered = s.Leads.Values.Count(l => l.Outcome != "offered"),
            LeadsAccepted = kpis.LeadsAccepted,
            MedianResponseSeconds = Median(answered),
            WonDeals = kpis.WonDeals,
            LostDeals = kpis.LostDeals,
            CertificationsInForce = kpis.Certifications,
            CustomersTotal = customers.Count,
            CustomersChurned = customers.Count(s.ChurnedCustomers.Contains),
            SurveyScores = s.SurveyScores,
            Now = now,
        };
    }

    private static decimal? Median(List<decimal> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    // ---- Evaluation: what follows from a change, or from time passing ------------------------------

    /// <summary>
    /// Settles what the derived figures imply (tier promotions and demotions, the health history, the
    /// at-risk flag), keeps the routing index current, and pushes the view when anything a watcher sees changed.
    /// </summary>
    /// <param name="saveHistory">
    /// Save a new health point at once (time-driven evaluations, a few a day). After events it waits for the next
    /// checkpoint: a crash before it loses a point the next evaluation records again, while a write per score change
    /// would cost a round trip per event on a busy partner.
    /// </param>
    private async Task ChangedAsync(bool saveHistory = false)
    {
        var program = await programs.GetAsync();
        var now = time.GetUtcNow();
        if (Build(program, now) is not { } d)
        {
            return;
        }

        var s = State;
        var dirty = false;
        if (s.Tier != d.Tier.Tier || s.TierBelowSince != d.Tier.BelowSince)
        {
            if (s.Tier != d.Tier.Tier)
            {
                LogTierChanged(Key, s.Tier, d.Tier.Tier);
            }

            s.Tier = d.Tier.Tier;
            s.TierBelowSince = d.Tier.BelowSince;
            dirty = true;
        }

        if (s.HealthHistory.Count == 0 || s.HealthHistory[^1].Score != d.Health.Score)
        {
            s.HealthHistory.Add(new HealthPoint(now, d.Health.Score));
            // Older points never matter again, except the last one before the window: the score in force when it opens.
            var windowStart = now - Domain.Partners.AtRisk.HistoryToKeep;
            var lastBefore = s.HealthHistory.FindLastIndex(h => h.At < windowStart);
            if (lastBefore > 0)
            {
                s.HealthHistory.RemoveRange(0, lastBefore);
            }

            if (saveHistory)
            {
                dirty = true;
            }
            else
            {
                MarkUnsaved();
            }
        }

        if (s.AtRisk != d.Risk.AtRisk)
        {
            s.AtRisk = d.Risk.AtRisk;
            dirty = true;
            await GrainFactory.GetGrain<IAtRiskPartnersGrain>(IAtRiskPartnersGrain.Key).Set(Key, d.Risk.AtRisk);
        }

        if (dirty)
        {
            await SaveAsync();
        }

        await SyncRoutingAsync(d, program);
        await ReportMetricsAsync(d);
        await PushChangedAsync(d.View);
    }

    private PartnerMetricsReport? _lastMetrics;
    private MetricsReportVersion? _metricsVersion;

    /// <summary>Tells the ecosystem's figures this partner's part when it changed: a one-way call, rare next to evaluations.</summary>
    private Task ReportMetricsAsync(Derived d)
    {
        var report = MetricsReports.ForPartner(d.View, State.SurveyScores);
        if (report == _lastMetrics)
        {
            return Task.CompletedTask;
        }

        _lastMetrics = report;
        return GrainFactory.GetGrain<IMetricsGrain>(IMetricsGrain.Key).ReportPartner(Key, (_metricsVersion ??= new(time)).Next(), report);
    }

    public async Task Evaluate()
    {
        await ChangedAsync(saveHistory: true);
        ArmEvaluationTimer();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == DailyReminder ? Evaluate() : Task.CompletedTask;

    /// <summary>
    /// A daily durable reminder per partner (spread over the day by partner, never a sweep of all
    /// partners at once) wakes it to re-evaluate what time alone changes; while active, a timer on the
    /// engine clock does the same, so a fake clock in tests moves it too.
    /// </summary>
    private async Task EnsureDailyEvaluationAsync()
    {
        if (!_dailyChecked)
        {
            _dailyChecked = true;
            if (await this.GetReminder(DailyReminder) is null)
            {
                var offset = TimeSpan.FromMinutes((uint)StringComparer.Ordinal.GetHashCode(Key) % (24 * 60));
                await this.RegisterOrUpdateReminder(DailyReminder, offset, TimeSpan.FromDays(1));
            }
        }

        ArmEvaluationTimer();
    }

    private void ArmEvaluationTimer()
    {
        if (_evaluationTimer is not null)
        {
            return;
        }

        var self = this.AsReference<IPartnerGrain>();
        _evaluationTimer = time.CreateTimer(_ => _ = self.Evaluate(), null, EvaluateEvery, EvaluateEvery);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State.Profile is not null)
        {
            ArmEvaluationTimer();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _evaluationTimer?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Keeps this partner's entry in its region's routing index current (only when it changed).</summary>
    private async Task SyncRoutingAsync(Derived d, ProgramSettings program)
    {
        var s = State;
        var p = s.Profile!;
        var tierIndex = program.Tiers.Levels.ToList().FindIndex(l => l.Name == d.Tier.Tier);
        var answered = s.Leads.Values.Where(l => l.AnsweredAt is not null).Select(l => (decimal)(l.AnsweredAt!.Value - l.OfferedAt).TotalSeconds).ToList();
        var profile = new PartnerRoutingProfile
        {
            PartnerId = Key,
            Region = p.Region,
            Industries = p.Industries,
            AcceptsLeads = p.AcceptsLeads,
            ProgramTermsSigned = s.Steps.ContainsKey("program_terms"),
            Churned = d.Stage == LifecycleStages.Churned,
            Capacity = p.Capacity,
            OpenLeads = s.Leads.Values.Count(l => l.Outcome is "offered" or "accepted"),
            TierRank = Math.Max(0, tierIndex),
            TierCount = program.Tiers.Levels.Count,
            HealthScore = d.Health.Score,
            WonDeals = d.Kpis.WonDeals,
            LostDeals = d.Kpis.LostDeals,
            LeadsOffered = s.Leads.Values.Count(l => l.Outcome != "offered"),
            LeadsAccepted = d.Kpis.LeadsAccepted,
            MedianResponseSeconds = Median(answered),
            LastOfferedAt = s.Leads.Count == 0 ? null : s.Leads.Values.Max(l => l.OfferedAt),
        };
        if (_lastRouting is null || !_lastRouting.Equals(profile))
        {
            await GrainFactory.GetGrain<IRoutingIndexGrain>(IRoutingIndexGrain.KeyFor(p.Region)).Upsert(profile);
            _lastRouting = profile;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} moved from tier {From} to {To}")]
    private partial void LogTierChanged(string partnerId, string? from, string to);
}
