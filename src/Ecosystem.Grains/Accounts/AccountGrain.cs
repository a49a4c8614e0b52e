using Ecosystem.Contracts.Accounts;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Program;
using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Grains.Projections;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Accounts;

[GenerateSerializer, Alias("eco.AccountState")]
public sealed class AccountState
{
    /// <summary>Every registration of this account, in the order they arrived.</summary>
    [Id(0)] public List<AccountRegistration> Registrations { get; set; } = [];
    [Id(1)] public DateTimeOffset? ChurnedAt { get; set; }
}

/// <summary>
/// A customer account. Not reentrant: registrations of one account are decided one at a time, each
/// logged with its decision before the next is looked at.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", StorageNames.Default)] IPersistentState<ProjectionSnapshot<AccountState>> snapshot,
    IEventLog log,
    ILogger<AccountGrain> logger)
    : ProjectionGrain<AccountState>(snapshot, log, logger), IAccountGrain
{
    protected override StreamKind Kind => StreamKind.Account;

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        if (e.Type == EventTypes.AccountChurned)
        {
            State.ChurnedAt ??= e.OccurredAt;
            return;
        }

        if (e.Type == EventTypes.DealRegistered && logged.Registration is { } decision
            && State.Registrations.TrueForAll(r => r.DealId != e.DealId))
        {
            State.Registrations.Add(new AccountRegistration(e.DealId!, e.PartnerId!, e.OccurredAt, decision.ExpiresAt, decision.Status));
        }
    }

    /// <summary>A churned account counts against the health of every partner that registered it.</summary>
    protected override async Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied)
    {
        if (applied.Any(e => e.Event.Type == EventTypes.AccountChurned))
        {
            foreach (var partner in State.Registrations.Select(r => r.PartnerId).Distinct(StringComparer.Ordinal))
            {
                await GrainFactory.GetGrain<Contracts.Partners.IPartnerGrain>(partner).MarkCustomerChurned(Key);
            }
        }
    }

    public async Task<CommandResult> Register(ActivityEvent registration, EventActor actor)
    {
        var program = await GrainFactory.GetGrain<IProgramGrain>(IProgramGrain.Key).Get();

        // Ask the deals that could hold the account whether they still do (closed, rejected and
        // expired ones don't); the rule itself stays pure.
        var holding = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in State.Registrations.Where(r => RegistrationStatus.Holds(r.DecidedStatus) && r.PartnerId != registration.PartnerId))
        {
            if (await GrainFactory.GetGrain<IDealGrain>(r.DealId).HoldsAccount())
            {
                holding.Add(r.DealId);
            }
        }

        var decision = RegistrationRules.Decide(
            State.Registrations,
            registration.DealId!,
            registration.PartnerId!,
            registration.OccurredAt,
            program.Registration.ProtectionWindowDays,
            program.Registration.AutoApprove,
            r => holding.Contains(r.DealId));

        // The log hands it to the deal before this returns, so the next registration's "does it still hold?" question
        // gets the answer the account has just recorded.
        return CommandResult.From(await AppendOwnAsync(new PendingEvent(registration, actor, decision)));
    }
}
