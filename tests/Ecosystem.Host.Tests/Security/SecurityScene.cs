using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests.Security;

/// <summary>The kinds of caller every route and hub method is tried with.</summary>
public enum Caller
{
    NoKey,
    BadKey,
    RevokedKey,
    Partner,
    OtherPartner,
    Rep,
    Admin,
}

/// <summary>
/// One host with a small world in it: partner P (with a deal it registered and a lead offered to it),
/// partner Q (part of neither), and a key of every kind.
/// </summary>
public sealed class SecurityScene : IAsyncLifetime
{
    public const string ForgedKey = "eco_AAAAAAAAAAAA_forgedsecretforgedsecretforgedsecret0";

    public HostProcess Host { get; private set; } = null!;

    public string PartnerId { get; } = Events.Id("sec-p");
    public string OtherPartnerId { get; } = Events.Id("sec-q");
    public string Region { get; } = Events.Id("sec-region");
    public string DealId { get; } = Events.Id("sec-deal");
    public string LeadId { get; } = Events.Id("sec-lead");
    public string IntegrationId { get; } = Events.Id("sec-int");

    /// <summary>Partner P's profile (PUT /api/partners/{P} body).</summary>
    public object PartnerProfile => new { name = "Partner " + PartnerId, partnerType = "technology", region = Region, acceptsLeads = true, capacity = 50 };

    /// <summary>P's integration (PUT /api/integrations/{id} body).</summary>
    public object IntegrationDefinition => new { partnerId = PartnerId, name = "Connector", category = "crm", description = "Syncs deals." };

    public string PartnerKey { get; private set; } = "";
    public string OtherPartnerKey { get; private set; } = "";
    public string RepKey { get; private set; } = "";
    public string RevokedKey { get; private set; } = "";

    /// <summary>Settings for the host this scene starts (e.g. logging levels), before <see cref="InitializeAsync"/>.</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Host = new HostProcess(HostStorage.Sqlite(), Settings) { KeepFullLog = true };
        await Host.StartAsync();
        await PopulateAsync(Host);
    }

    public async Task PopulateAsync(HostProcess host)
    {
        Host = host;
        using var admin = host.Client();
        // A technology partner that also takes leads, so that it owns an integration and is offered a lead.
        var put = await admin.PutAsJsonAsync(new Uri($"/api/partners/{PartnerId}", UriKind.Relative), PartnerProfile);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(new Dictionary<string, object?>
        {
            ["id"] = Events.Id("e"), ["type"] = "agreement.signed", ["occurredAt"] = Events.Now, ["partnerId"] = PartnerId,
            ["document"] = "program_terms", ["version"] = "2026-01",
        })).StatusesAsync());
        var integration = await admin.PutAsJsonAsync(new Uri($"/api/integrations/{IntegrationId}", UriKind.Relative), IntegrationDefinition);
        Assert.True(integration.StatusCode == HttpStatusCode.Created, await integration.Content.ReadAsStringAsync());
        var other = await admin.PutAsJsonAsync(new Uri($"/api/partners/{OtherPartnerId}", UriKind.Relative),
            new { name = "Other", partnerType = "solutions", region = Events.Id("elsewhere") });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);

        PartnerKey = (await TestKeys.PartnerAsync(host, PartnerId)).Key;
        OtherPartnerKey = (await TestKeys.PartnerAsync(host, OtherPartnerId)).Key;
        RepKey = (await TestKeys.RepAsync(host, "sec-rep")).Key;
        var (revokedId, revoked) = await TestKeys.PartnerAsync(host, PartnerId);
        await TestKeys.RevokeAsync(host, revokedId);
        RevokedKey = revoked;

        Assert.Equal(["accepted", "accepted"], await (await admin.PostEventsAsync(new object[]
        {
            Events.Registered(Events.Id("e"), DealId, PartnerId, DealId + ".example", 1200m),
            LeadRoutingHttp.Submitted(LeadId, Region),
        })).StatusesAsync());
        var lead = await (await admin.GetAsync(new Uri($"/api/leads/{LeadId}", UriKind.Relative))).ReadAsync();
        Assert.Equal(PartnerId, lead.Str("offeredTo"));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public string? KeyOf(Caller caller) => caller switch
    {
        Caller.NoKey => null,
        Caller.BadKey => ForgedKey,
        Caller.RevokedKey => RevokedKey,
        Caller.Partner => PartnerKey,
        Caller.OtherPartner => OtherPartnerKey,
        Caller.Rep => RepKey,
        _ => HostProcess.AdminKey,
    };

    /// <summary>A hub connection of the caller, not yet started; the key goes through the access token factory.</summary>
    public HubConnection Hub(Caller caller)
    {
        var key = KeyOf(caller);
        return new HubConnectionBuilder()
            .WithUrl(new Uri(Host.BaseAddress, "/hubs/ecosystem"), o =>
            {
                if (key is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(key);
                }
            })
            .Build();
    }

    /// <summary>Events of one deal as the log holds them (admin read).</summary>
    public static async Task<List<JsonElement>> DealEventsAsync(HostProcess host, string dealId)
    {
        using var admin = host.Client();
        var response = await admin.GetAsync(new Uri($"/api/deals/{Uri.EscapeDataString(dealId)}/events", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET events of {dealId}: {(int)response.StatusCode} {body}");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").Clone())];
    }
}
