using System.Text.Json;
using Ecosystem.Contracts.Accounts;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Keys;
using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Grains;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Diagnostics;

namespace Ecosystem.Host.Intake;

/// <summary>
/// The path of every activity event sent to the API: validate, check what the key may send, then either hand the event
/// to the grain that must decide on it (a registration to its account; a review, a claim review or an outsider's touch
/// to its deal; an answer or a conversion to its lead), which appends it from its own turn, or append it with the
/// request's other events. Either way the log is the only writer and delivers each commit to its grains once.
/// </summary>
public sealed partial class EventIntake(
    IEventLog log,
    EventPermissions permissions,
    GrainLookup grains,
    TimeProvider time,
    ILogger<EventIntake> logger)
{
    /// <param name="events">The JSON values of the request, already split from a single event or an array.</param>
    public async Task<IReadOnlyList<EventResult>> IngestAsync(Principal who, IReadOnlyList<JsonElement> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var actor = who.ToActor();
        var results = new EventResult[events.Count];
        var pending = new List<PendingEvent>(events.Count);
        var pendingIndex = new List<int>(events.Count);
        var firstIndexOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new List<(int Index, int First)>();
        var joined = new HashSet<string>(StringComparer.Ordinal);
        var registrations = new List<(int Index, ActivityEvent Event)>();
        var commands = new List<(int Index, ActivityEvent Event)>();

        for (var i = 0; i < events.Count; i++)
        {
            var parsed = EventParser.Parse(events[i], now);
            if (parsed.Event is not { } e)
            {
                results[i] = new EventResult(parsed.Id, EventStatus.Rejected, parsed.Error, parsed.Errors);
                continue;
            }

            if (firstIndexOfId.TryGetValue(e.Id, out var first))
            {
                repeats.Add((i, first));
                continue;
            }

            EventPermissions.Verdict verdict;
            try
            {
                verdict = await permissions.CheckAsync(who, e, joined);
            }
            catch (Exception ex) when (ex is not EventLogUnavailableException)
            {
                // A grain the check asks is out of reach (its node just died, its storage is away): nothing of the
                // request is logged yet, so the client is told to retry (503), not that the server broke (500).
                throw new EventLogUnavailableException("An event's permission could not be checked.", ex);
            }

            if (verdict.Denied is { } denied)
            {
                results[i] = new EventResult(e.Id, EventStatus.Rejected, denied);
                continue;
            }

            firstIndexOfId[e.Id] = i;
            if (e.Type == EventTypes.DealRegistered)
            {
                registrations.Add((i, e));
            }
            else if (verdict.DecidedByGrain)
            {
                commands.Add((i, e));
            }
            else
            {
                pending.Add(new PendingEvent(e, actor));
                pendingIndex.Add(i);
            }
        }

        // Registrations first, one account at a time in request order, then the other decisions in request order, then
        // the rest: "register, then touch" logs in that order.
        await RunAsync("A registration could not be decided and logged.", () => RegisterAsync(registrations, actor, results));
        await RunAsync("An event could not be decided and logged.", () => DecideAsync(commands, actor, results));
        var outcomes = await log.AppendAsync(pending, null, cancellationToken);

        var accepted = 0;
        for (var p = 0; p < pending.Count; p++)
        {
            var duplicate = outcomes[p].Duplicate;
            results[pendingIndex[p]] = new EventResult(pending[p].Event.Id, duplicate ? EventStatus.Duplicate : EventStatus.Accepted);
            accepted += duplicate ? 0 : 1;
        }

        // A repeated id within one request is the same event sent twice: the first copy decides, the rest are duplicates.
        foreach (var (index, first) in repeats)
        {
            results[index] = results[first].Status == EventStatus.Rejected
                ? results[first] with { }
                : new EventResult(results[first].Id, EventStatus.Duplicate);
        }

        LogAccepted(who.KeyId, accepted + registrations.Count + commands.Count, events.Count);
        foreach (var r in results)
        {
            EngineMeter.Events.Add(1, new KeyValuePair<string, object?>("status", r.Status));
        }

        return results;
    }

    /// <summary>A grain that cannot decide (its node died, its storage is away) makes the request retryable (503), not a 500.</summary>
    private static async Task RunAsync(string failure, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is not EventLogUnavailableException)
        {
            // What was logged before the failure comes back as duplicate when the client retries.
            throw new EventLogUnavailableException(failure, ex);
        }
    }

    private async Task RegisterAsync(List<(int Index, ActivityEvent Event)> registrations, EventActor actor, EventResult[] results)
    {
        if (registrations.Count == 0)
        {
            return;
        }

        var perAccount = registrations.GroupBy(r => r.Event.AccountId!, StringComparer.Ordinal).Select(async account =>
        {
            var grain = grains.Get<IAccountGrain>(account.Key);
            foreach (var (index, e) in account)
            {
                results[index] = Result(e.Id, await grain.Register(e, actor));
            }
        }).ToList();
        // Waits for every account, so that a failure of one does not leave the others unanswered.
        await Task.WhenAll(perAccount);
    }

    private async Task DecideAsync(List<(int Index, ActivityEvent Event)> commands, EventActor actor, EventResult[] results)
    {
        foreach (var (index, e) in commands)
        {
            var result = e.Type is EventTypes.LeadAccepted or EventTypes.LeadDeclined or EventTypes.LeadConverted
                ? await grains.Get<ILeadGrain>(e.LeadId!).Decide(e, actor)
                : await grains.Get<IDealGrain>(e.DealId!).Decide(e, actor);
            results[index] = Result(e.Id, result);
        }
    }

    private static EventResult Result(string id, CommandResult result) =>
        result.Error is { } error ? new EventResult(id, EventStatus.Rejected, error)
        : new EventResult(id, result.Duplicate ? EventStatus.Duplicate : EventStatus.Accepted);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Key {KeyId} had {Accepted} of {Sent} events accepted")]
    private partial void LogAccepted(string keyId, int accepted, int sent);
}
