using System.Text.Json;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Partners;
using Ecosystem.Contracts.Push;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Intake;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Ecosystem.Host.Hubs;

/// <summary>What the server calls on browsers and other clients.</summary>
public interface IEcosystemClient
{
    Task DealChanged(DealView deal);

    Task DealMessage(DealMessageView message);

    Task PresenceChanged(PresenceView presence);

    Task AttributionChanged(DealAttributionView attribution);

    Task PartnerChanged(PartnerView partner);

    Task LeadOffered(LeadOfferedView offer);

    Task MetricsChanged(DashboardMetrics metrics);

    Task IntegrationChanged(Contracts.Integrations.IntegrationView integration);
}

/// <summary>
/// <c>/hubs/ecosystem</c>. The key comes as a bearer token (or <c>access_token</c> on the WebSocket
/// upgrade); a bad key cannot connect. A partner joins only deals it registered or touched.
/// </summary>
[Authorize]
public sealed class EcosystemHub(IGrainFactory grains, EventIntake intake, Visibility visibility, DealRooms rooms, HubConnections connections, TimeProvider time)
    : Hub<IEcosystemClient>
{
    public const string Path = "/hubs/ecosystem";

    public static string DealGroup(string dealId) => "deal:" + dealId;

    public static string PartnerGroup(string partnerId) => "partner:" + partnerId;

    public const string DashboardGroup = "dashboard";

    /// <summary>Counts the connection against its key's cap; over the cap the connection is closed with the reason.</summary>
    public override async Task OnConnectedAsync()
    {
        if (!connections.TryAdd(Context.User!.ToPrincipal(), Context))
        {
            throw new HubException(HubConnectionCap.TooManyMessage(connections.Cap));
        }

        await base.OnConnectedAsync();
    }

    public async Task<DealView> JoinDeal(string dealId)
    {
        var who = Context.User!.ToPrincipal();
        var deal = await AuthorizeDealAsync(dealId);
        _ = await deal.GetView() ?? throw new HubException($"Deal '{dealId}' does not exist.");
        await Groups.AddToGroupAsync(Context.ConnectionId, DealGroup(dealId));
        var member = new RoomMember(Context.ConnectionId, who.DisplayName, who.Role);
        rooms.Add(dealId, member);
        await deal.Join(rooms.NodeId, member);
        // Read once in the room: a change that lands meanwhile is in this view or in a push, never in neither.
        return (await deal.GetView())!;
    }

    /// <summary>Watch a partner: its view now, then <c>PartnerChanged</c> on every change. A partner key watches only itself.</summary>
    public async Task<PartnerView> WatchPartner(string partnerId)
    {
        RequireId(partnerId, nameof(partnerId));
        var who = Context.User!.ToPrincipal();
        if (!Visibility.CanSeePartner(who, partnerId))
        {
            throw new HubException("A partner key watches only its own partner.");
        }

        // Join the group first, then read: a change that lands meanwhile is in this view or in a push, never in neither.
        await Groups.AddToGroupAsync(Context.ConnectionId, PartnerGroup(partnerId));
        if (await grains.GetGrain<IPartnerGrain>(partnerId).GetView() is not { } view)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, PartnerGroup(partnerId));
            throw new HubException($"Partner '{partnerId}' does not exist.");
        }

        return view;
    }

    /// <summary>The channel team's dashboard (admin and rep keys): the figures now, then <c>MetricsChanged</c>.</summary>
    public async Task<DashboardMetrics> WatchDashboard()
    {
        if (Context.User!.ToPrincipal().IsPartner)
        {
            throw new HubException("The dashboard is for admin and rep keys.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, DashboardGroup);
        return await grains.GetGrain<IDashboardGrain>(IDashboardGrain.Key).Metrics();
    }

    public Task UnwatchPartner(string partnerId)
    {
        RequireId(partnerId, nameof(partnerId));
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, PartnerGroup(partnerId));
    }

    public async Task LeaveDeal(string dealId)
    {
        RequireId(dealId, nameof(dealId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, DealGroup(dealId));
        if (rooms.Remove(dealId, Context.ConnectionId))
        {
            await grains.GetGrain<IDealGrain>(dealId).Leave(Context.ConnectionId);
        }
    }

    /// <summary>A chat line: stored in the deal's timeline like any event, then pushed as DealMessage.</summary>
    public async Task SendDealMessage(string dealId, string text)
    {
        var who = Context.User!.ToPrincipal();
        await AuthorizeDealAsync(dealId);
        using var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["id"] = "chat-" + Guid.NewGuid().ToString("N"),
            ["type"] = Domain.Events.EventTypes.DealMessage,
            ["occurredAt"] = time.GetUtcNow().ToString("O"),
            ["dealId"] = dealId,
            ["author"] = who.DisplayName,
            ["text"] = text ?? "",
        }));
        var result = (await intake.IngestAsync(who, [json.RootElement], Context.ConnectionAborted))[0];
        if (result.Status == EventStatus.Rejected)
        {
            throw new HubException(result.Error);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.User!.ToPrincipal(), Context.ConnectionId);
        foreach (var dealId in rooms.RemoveConnection(Context.ConnectionId))
        {
            await grains.GetGrain<IDealGrain>(dealId).Leave(Context.ConnectionId);
        }

        await base.OnDisconnectedAsync(exception);
    }

    private async Task<IDealGrain> AuthorizeDealAsync(string dealId)
    {
        RequireId(dealId, nameof(dealId));
        var deal = grains.GetGrain<IDealGrain>(dealId);
        if (!await visibility.CanSeeDealAsync(Context.User!.ToPrincipal(), dealId))
        {
            // Same answer as for a deal that does not exist: a partner must not learn which deals exist.
            throw new HubException($"Deal '{dealId}' does not exist.");
        }

        return deal;
    }

    private static void RequireId(string? id, string name)
    {
        if (!Api.Ids.IsValid(id))
        {
            throw new HubException($"{name} must be 1-200 printable characters.");
        }
    }
}
