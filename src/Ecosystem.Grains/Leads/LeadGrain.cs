using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Ecosystem.Grains.Projections;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Leads;

/// <summary>One lead and what happened to it. Routing and offers build on this grain.</summary>
public sealed class LeadGrain(
    [PersistentState("lead", StorageNames.Default)] IPersistentState<ProjectionSnapshot<LeadState>> snapshot,
    IEventLog log,
    ILogger<LeadGrain> logger)
    : ProjectionGrain<LeadState>(snapshot, log, logger), ILeadGrain
{
    protected override StreamKind Kind => StreamKind.Lead;

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        switch (e.Type)
        {
            case EventTypes.LeadSubmitted when !s.Submitted:
                s.Submitted = true;
                s.AccountId = e.AccountId;
                s.Region = e.Region;
                s.Industry = e.Industry;
                s.Source = e.Source;
                s.SourcePartnerId = e.SourcePartnerId;
                break;
            case EventTypes.LeadAccepted:
                s.AcceptedBy ??= e.PartnerId;
                s.History.Add(new LeadHistoryEntry(e.PartnerId!, "accepted", e.OccurredAt, null, []));
                break;
            case EventTypes.LeadDeclined:
                s.History.Add(new LeadHistoryEntry(e.PartnerId!, "declined", e.OccurredAt, null, e.Reason is null ? [] : [e.Reason]));
                break;
            case EventTypes.LeadConverted:
                s.DealId ??= e.DealId;
                break;
        }
    }

    public Task<LeadView?> GetView()
    {
        var s = State;
        if (!s.Submitted && s.History.Count == 0 && s.DealId is null)
        {
            return Task.FromResult<LeadView?>(null);
        }

        var status = s.DealId is not null ? "converted" : s.AcceptedBy is not null ? "accepted" : "unroutable";
        return Task.FromResult<LeadView?>(new LeadView
        {
            LeadId = Key,
            Status = status,
            AccountId = s.AccountId,
            Region = s.Region,
            Industry = s.Industry,
            Source = s.Source,
            SourcePartnerId = s.SourcePartnerId,
            DealId = s.DealId,
            History = [.. s.History],
        });
    }
}
