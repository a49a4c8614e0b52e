using System.Diagnostics;
using System.Text.Json;
using Ecosystem.Contracts.Accounts;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Keys;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Ecosystem.Host.Diagnostics;
using Ecosystem.Host.Storage.EventLog;

using Ecosystem.Grains;

namespace Ecosystem.Host.Intake;

/// <summary>
/// The path of every activity event: validate, check the key's permission, append to the log
/// (durable before anyone hears "accepted"), then hand the events to the grains they concern.
/// </summary>
public sealed partial class EventIntake(
    GroupCommitEventLog log,
    EventPermissions permissions,
    GrainLookup grains,
    TimeProvider time,
    ILogger<EventIntake> logger) : IEventDispatcher
{
    /// <param name="events">The JSON values of the request, already split from a single event or an array.</param>
    public async Task<IReadOnlyList<EventResult>> IngestAsync(Principal who, IReadOnlyList<JsonElement> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var results = new EventResult[events.Count];
        var pending = new List<PendingEvent>(events.Count);
        var pendingIndex = new List<int>(events.Count);
        var firstIndexOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new List<(int Index, int First)>();
        var joined = new HashSet<string>(StringComparer.Ordinal);
        var registrations = new List<(int Index, PendingEvent Event)>();
        var answers = new List<(int Index, PendingEvent Event)>();

        for (var i = 0; i < events.Count; i++)
        {
            var parsed = EventParser.Parse(events[i], now);
            if (parsed.Event is not { } e)
            {
                results[i] = new EventResult(parsed.Id, EventStatus.Rejected, parsed.Error);
                continue;
            }

            if (firstIndexOfId.TryGetValue(e.Id, out var first))
            {
                repeats.Add((i, first));
                continue;
            }

            string? denied;
            try
            {
                denied = await permissions.CheckAsync(who, e, joined);
            }
            catch (Exception ex) when (ex is not EventLogUnavailableException)
            {
                // A grain the check asks is out of reach (its node just died, its storage is away): nothing of the
                // request is logged yet, so the client is told to retry (503), not that the server broke (500).
                throw new EventLogUnavailableException("An event's permission could not be checked.", ex);
            }
            if (denied is not null)
            {
                results[i] = new EventResult(e.Id, EventStatus.Rejected, denied);
                continue;
            }

            firstIndexOfId[e.Id] = i;
            if (e.Type == EventTypes.DealRegistered)
            {
                registrations.Add((i, new PendingEvent(e, events[i].GetRawText())));
            }
            else if (e.Type is EventTypes.LeadAccepted or EventTypes.LeadDeclined)
            {
                answers.Add((i, new PendingEvent(e, events[i].GetRawText())));
            }
            else
            {
                pending.Add(new PendingEvent(e, events[i].GetRawText()));
                pendingIndex.Add(i);
            }
        }

        // Registrations are decided and logged by their account, one account at a time, in request
        // order, and before the rest of the request, so that "register, then touch" logs in that order.
        var registered = new List<(int Index, string Id, LoggedEvent? Logged)>(registrations.Count);
        var answered = new List<LoggedEvent>();
        IReadOnlyList<AppendOutcome> outcomes;
        try
        {
            await RegisterAsync(registrations, registered);
            await AnswerLeadsAsync(answers, results, answered);
            // The log hands these to their grains itself, together with the other requests of the same commit.
            outcomes = await log.AppendAsync(pending, this, cancellationToken);
        }
        catch (EventLogUnavailableException)
        {
            // The client is told to retry, and its retry hears "duplicate" of what was logged before the failure, which
            // then reaches no grain: their grains hear of it now rather than at their next checkpoint.
            List<LoggedEvent> logged = [.. registered.Select(r => r.Logged).OfType<LoggedEvent>(), .. answered];
            if (logged.Count > 0)
            {
                await DispatchAsync(logged);
            }

            throw;
        }

        var accepted = new List<LoggedEvent>(registrations.Count + answers.Count);
        var acceptedCount = 0;
        accepted.AddRange(answered);
        foreach (var (index, id, logged) in registered)
        {
            results[index] = new EventResult(id, logged is null ? EventStatus.Duplicate : EventStatus.Accepted);
            if (logged is not null)
            {
                accepted.Add(logged);
            }
        }

        for (var p = 0; p < pending.Count; p++)
        {
            var o = outcomes[p];
            var e = pending[p];
            results[pendingIndex[p]] = new EventResult(e.Event.Id, o.Duplicate ? EventStatus.Duplicate : EventStatus.Accepted);
            if (!o.Duplicate)
            {
                acceptedCount++;
            }
        }

        // A repeated id within one request is the same event sent twice: the first copy decides, the rest are duplicates.
        foreach (var (index, first) in repeats)
        {
            results[index] = results[first].Status == EventStatus.Rejected
                ? results[first] with { }
                : new EventResult(results[first].Id, EventStatus.Duplicate);
        }

        if (accepted.Count > 0)
        {
            // Registrations and lead answers were logged by their grains; the rest of their audience hears of them here.
            await DispatchAsync(accepted);
        }

        LogAccepted(who.KeyId, acceptedCount + accepted.Count, events.Count);

        foreach (var r in results)
        {
            EngineMeter.Events.Add(1, new KeyValuePair<string, object?>("status", r.Status));
        }

        return results;
    }

    /// <summary>Answers to lead offers are checked and logged by their lead: only the partner holding the offer may answer.</summary>
    private async Task AnswerLeadsAsync(List<(int Index, PendingEvent Event)> answers, EventResult[] results, List<LoggedEvent> answered)
    {
        foreach (var (index, e) in answers)
        {
            LeadAnswer answer;
            try
            {
                answer = await grains.Get<ILeadGrain>(e.Event.LeadId!).Answer(e.Event, e.RawJson);
            }
            catch (Exception ex) when (ex is not EventLogUnavailableException)
            {
                throw new EventLogUnavailableException("An answer to a lead offer could not be checked and logged.", ex);
            }

            results[index] = answer.Error is not null ? new EventResult(e.Event.Id, EventStatus.Rejected, answer.Error)
                : new EventResult(e.Event.Id, answer.Duplicate ? EventStatus.Duplicate : EventStatus.Accepted);
            if (answer.Logged is not null)
            {
                answered.Add(answer.Logged);
            }
        }
    }

    /// <summary>Decides and logs the registrations, adding each to <paramref name="registered"/> as it is logged.</summary>
    private async Task RegisterAsync(List<(int Index, PendingEvent Event)> registrations, List<(int Index, string Id, LoggedEvent? Logged)> registered)
    {
        if (registrations.Count == 0)
        {
            return;
        }

        var perAccount = registrations.GroupBy(r => r.Event.Event.AccountId!, StringComparer.Ordinal).Select(async account =>
        {
            var grain = grains.Get<IAccountGrain>(account.Key);
            foreach (var (index, e) in account)
            {
                var logged = await grain.Register(e.Event, e.RawJson);
                lock (registered)
                {
                    registered.Add((index, e.Event.Id, logged));
                }
            }
        }).ToList();
        try
        {
            // Waits for every account, so that what was logged is all in the list even when one of them failed.
            await Task.WhenAll(perAccount);
        }
        catch (Exception ex) when (ex is not EventLogUnavailableException)
        {
            // The account could not log the registration (database or silo trouble): the client retries
            // the request; what was logged meanwhile comes back as duplicate.
            throw new EventLogUnavailableException("A registration could not be decided and logged.", ex);
        }
    }

    /// <summary>
    /// Hands each grain its events in one call, in log order. A failure here loses nothing: the events
    /// are in the log, and the grain reads them at its next checkpoint or activation.
    /// </summary>
    public async Task DispatchAsync(List<LoggedEvent> events)
    {
        var started = Stopwatch.GetTimestamp();
        var byGrain = new Dictionary<(StreamKind, string), List<LoggedEvent>>();
        void Add(StreamKind kind, string? key, LoggedEvent e)
        {
            if (key is null)
            {
                return;
            }

            if (!byGrain.TryGetValue((kind, key), out var list))
            {
                byGrain[(kind, key)] = list = [];
            }

            list.Add(e);
        }

        // The marketplace counts accounts, installs, churn and listing views across all accounts: one call per dispatch.
        var marketplace = new List<LoggedEvent>();
        foreach (var e in events)
        {
            Add(StreamKind.Deal, e.Event.DealId, e);
            Add(StreamKind.Partner, e.Event.PartnerId, e);
            Add(StreamKind.Lead, e.Event.LeadId, e);
            Add(StreamKind.Integration, e.Event.IntegrationId, e);
            if (e.Event.AccountId is not null || e.Event.Type == EventTypes.MarketplaceViewed)
            {
                marketplace.Add(e);
            }

            if (e.Event.Type == EventTypes.AccountChurned)
            {
                // Accounts fold registrations (which reach them directly) and churn; nothing else is sent to them.
                Add(StreamKind.Account, e.Event.AccountId, e);
            }
        }

        var calls = new List<Task>(byGrain.Count);
        foreach (var ((kind, key), list) in byGrain)
        {
            IEventStreamGrain grain = kind switch
            {
                StreamKind.Deal => grains.Get<IDealGrain>(key),
                StreamKind.Partner => grains.Get<IPartnerGrain>(key),
                StreamKind.Account => grains.Get<IAccountGrain>(key),
                StreamKind.Integration => grains.Get<IIntegrationGrain>(key),
                _ => grains.Get<ILeadGrain>(key),
            };
            calls.Add(DeliverAsync(grain, kind, key, list));
        }

        if (marketplace.Count > 0)
        {
            calls.Add(DeliverAsync(grains.Get<IMarketplaceGrain>(IMarketplaceGrain.Key), StreamKind.Integration, IMarketplaceGrain.Key, marketplace));
        }

        await Task.WhenAll(calls);
        EngineMeter.DispatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Delivers with a few retries: under load an activation can be cancelled, and a grain that is not
    /// active again soon (a lead nobody reads) would otherwise wait for its next activation to catch up.
    /// </summary>
    private async Task DeliverAsync(IEventStreamGrain grain, StreamKind kind, string key, List<LoggedEvent> events)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grain.Apply(events);
                return;
            }
            catch (Exception ex) when (attempt < DeliveryAttempts)
            {
                LogDeliveryRetry(ex, kind, key, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt));
            }
            catch (Exception ex)
            {
                LogDeliveryFailed(ex, kind, key, events.Count);
                return;
            }
        }
    }

    private const int DeliveryAttempts = 4;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivering to {Kind} {Key} failed (attempt {Attempt}); retrying")]
    private partial void LogDeliveryRetry(Exception ex, StreamKind kind, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Key {KeyId} had {Accepted} of {Sent} events accepted")]
    private partial void LogAccepted(string keyId, int accepted, int sent);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {Count} events to {Kind} {Key} failed after retries; it catches up from the log at its next checkpoint or activation")]
    private partial void LogDeliveryFailed(Exception ex, StreamKind kind, string key, int count);
}
