using Ecosystem.Contracts.Accounts;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Dispatch;

/// <summary>
/// The one fan-out of the log: after each commit, every grain an event concerns gets that commit's events for it in one
/// call, in log order. Which grains an event concerns is decided here and nowhere else (<see cref="Targets"/>).
/// A failure loses nothing: the events are in the log, and a grain reads what it lacks at its next checkpoint or activation.
/// </summary>
public sealed partial class EventDispatcher(GrainLookup grains, ILogger<EventDispatcher> logger) : IEventDispatcher
{
    /// <summary>The marketplace counts accounts, installs, churn and listing views across all accounts: one grain.</summary>
    public static readonly EventOrigin Marketplace = new(StreamKind.Marketplace, IMarketplaceGrain.Key);

    private const int DeliveryAttempts = 4;

    public async Task DispatchAsync(IReadOnlyList<CommittedEvent> events, Func<EventOrigin, bool> include)
    {
        var byGrain = new Dictionary<EventOrigin, List<LoggedEvent>>();
        var targets = new EventOrigin[MaxTargets];
        foreach (var (e, origin) in events)
        {
            var count = Targets(e.Event, targets);
            foreach (var target in targets.AsSpan(0, count))
            {
                if (target == origin || !include(target))
                {
                    continue;
                }

                if (!byGrain.TryGetValue(target, out var list))
                {
                    byGrain[target] = list = [];
                }

                list.Add(e);
            }
        }

        if (byGrain.Count == 0)
        {
            return;
        }

        var calls = new List<Task>(byGrain.Count);
        foreach (var (target, list) in byGrain)
        {
            calls.Add(DeliverAsync(target, list));
        }

        await Task.WhenAll(calls);
    }

    private const int MaxTargets = 6;

    /// <summary>
    /// The grains whose state an event changes: its deal, partner, lead and integration, the marketplace for account
    /// activity, an account for its churn. Written into <paramref name="into"/> (no allocation per event); returns how many.
    /// </summary>
    public static int Targets(ActivityEvent e, Span<EventOrigin> into)
    {
        var n = 0;
        if (e.DealId is { } deal)
        {
            into[n++] = new(StreamKind.Deal, deal);
        }

        if (e.PartnerId is { } partner)
        {
            into[n++] = new(StreamKind.Partner, partner);
        }

        if (e.LeadId is { } lead)
        {
            into[n++] = new(StreamKind.Lead, lead);
        }

        if (e.IntegrationId is { } integration)
        {
            into[n++] = new(StreamKind.Integration, integration);
        }

        if (e.AccountId is not null || e.Type == EventTypes.MarketplaceViewed)
        {
            into[n++] = Marketplace;
        }

        // Accounts fold their registrations (which they log themselves) and churn; nothing else is sent to them.
        if (e.Type == EventTypes.AccountChurned && e.AccountId is { } account)
        {
            into[n++] = new(StreamKind.Account, account);
        }

        return n;
    }

    private IEventStreamGrain Grain(EventOrigin target) => target switch
    {
        { Kind: StreamKind.Marketplace } => grains.Get<IMarketplaceGrain>(IMarketplaceGrain.Key),
        { Kind: StreamKind.Deal } => grains.Get<IDealGrain>(target.Key),
        { Kind: StreamKind.Partner } => grains.Get<IPartnerGrain>(target.Key),
        { Kind: StreamKind.Account } => grains.Get<IAccountGrain>(target.Key),
        { Kind: StreamKind.Integration } => grains.Get<IIntegrationGrain>(target.Key),
        _ => grains.Get<ILeadGrain>(target.Key),
    };

    /// <summary>
    /// Delivers with a few retries: under load an activation can be cancelled, and a grain that is not
    /// active again soon (a lead nobody reads) would otherwise wait for its next activation to catch up.
    /// </summary>
    private async Task DeliverAsync(EventOrigin target, List<LoggedEvent> events)
    {
        var grain = Grain(target);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grain.Apply(events);
                return;
            }
            catch (Exception ex) when (attempt < DeliveryAttempts)
            {
                LogDeliveryRetry(ex, target.Kind, target.Key, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt));
            }
            catch (Exception ex)
            {
                LogDeliveryFailed(ex, target.Kind, target.Key, events.Count);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivering to {Kind} {Key} failed (attempt {Attempt}); retrying")]
    private partial void LogDeliveryRetry(Exception ex, StreamKind kind, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {Count} events to {Kind} {Key} failed after retries; it catches up from the log at its next checkpoint or activation")]
    private partial void LogDeliveryFailed(Exception ex, StreamKind kind, string key, int count);
}
