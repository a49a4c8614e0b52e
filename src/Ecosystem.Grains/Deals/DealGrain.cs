using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Program;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Ecosystem.Grains.Projections;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Deals;

/// <summary>One deal: its registration, stage, amount, outcome, participants and timeline.</summary>
public sealed class DealGrain(
    [PersistentState("deal", StorageNames.Default)] IPersistentState<ProjectionSnapshot<DealState>> snapshot,
    IEventLog log,
    ILogger<DealGrain> logger)
    : ProjectionGrain<DealState>(snapshot, log, logger), IDealGrain
{
    protected override StreamKind Kind => StreamKind.Deal;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The window is read once per activation: When() must stay synchronous and deterministic.
        var program = await GrainFactory.GetGrain<IProgramGrain>(IProgramGrain.Key).Get();
        State.ProtectionWindowDays = program.Registration.ProtectionWindowDays;
        AutoApprove = program.Registration.AutoApprove;
        await base.OnActivateAsync(cancellationToken);
    }

    private bool AutoApprove { get; set; } = true;

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        s.Timeline.Add(new TimelineEntry(logged.Seq, logged.AcceptedAt, e));
        switch (e.Type)
        {
            case EventTypes.DealRegistered when s.RegisteredBy is null:
                s.AccountId = e.AccountId;
                s.RegisteredBy = e.PartnerId;
                s.RegisteredAt = e.OccurredAt;
                s.Amount = e.Amount;
                s.Currency = e.Currency;
                s.RegistrationStatus = AutoApprove ? "approved" : "pending_review";
                AddPartner(e.PartnerId!, TouchRoles.Sourced);
                break;
            case EventTypes.DealRegistrationReviewed:
                if (s.RegistrationStatus is "pending_review" or "approved" or "rejected")
                {
                    s.RegistrationStatus = e.Decision;
                }

                break;
            case EventTypes.DealTouch:
                AddPartner(e.PartnerId!, e.Role!);
                break;
            case EventTypes.DealStageChanged:
                s.Stage = e.Stage!;
                break;
            case EventTypes.DealAmountChanged:
                s.Amount = e.Amount;
                s.Currency = e.Currency;
                break;
            case EventTypes.DealClosed when s.Outcome is null:
                s.Outcome = e.Outcome;
                s.ClosedAt = e.OccurredAt;
                if (e.Amount is not null)
                {
                    s.Amount = e.Amount;
                    s.Currency = e.Currency;
                }

                break;
            case EventTypes.LeadConverted:
                break;
        }
    }

    private void AddPartner(string partnerId, string role)
    {
        if (!State.Partners.TryGetValue(partnerId, out var roles))
        {
            State.Partners[partnerId] = roles = [];
        }

        if (!roles.Contains(role))
        {
            roles.Add(role);
        }
    }

    public Task<DealView?> GetView()
    {
        var s = State;
        if (s.Timeline.Count == 0)
        {
            return Task.FromResult<DealView?>(null);
        }

        var participants = s.Partners
            .Select(p => new ParticipantView("partner", p.Key, [.. p.Value]))
            .Concat(s.Reps.Select(r => new ParticipantView("rep", r, [])))
            .ToList();
        var view = new DealView
        {
            DealId = Key,
            AccountId = s.AccountId,
            RegisteredBy = s.RegisteredBy,
            Registration = s.RegistrationStatus is null
                ? null
                : new RegistrationView(s.RegistrationStatus, null, s.RegisteredAt?.AddDays(s.ProtectionWindowDays)),
            Stage = s.Stage,
            Amount = s.Amount,
            Currency = s.Currency,
            Outcome = s.Outcome,
            ClosedAt = s.ClosedAt,
            Participants = participants,
            Timeline = [.. s.Timeline.OrderBy(t => t.Event.OccurredAt).ThenBy(t => t.Seq)],
        };
        return Task.FromResult<DealView?>(view);
    }

    public Task<bool> IsParticipant(string partnerId) => Task.FromResult(State.Partners.ContainsKey(partnerId));
}
