using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class LeadGrainTests(GrainClusterFixture fixture)
{
    private ILeadGrain Lead(string id) => fixture.Client.GetGrain<ILeadGrain>(id);

    [Fact]
    public async Task A_lead_without_events_has_no_view()
    {
        Assert.Null(await Lead(NewId("lead")).GetView());
    }

    [Fact]
    public async Task A_lead_moves_from_unroutable_to_accepted_to_converted_with_its_events()
    {
        var leadId = NewId("lead");
        var partnerId = NewId("partner");
        var dealId = NewId("deal");
        var lead = Lead(leadId);
        Assert.Null(await lead.GetView());

        await lead.Apply([await fixture.Log.WriteAsync(LeadSubmitted(leadId, T0))]);
        var submitted = await lead.GetView();
        await lead.Apply([await fixture.Log.WriteAsync(LeadAnswered(EventTypes.LeadAccepted, leadId, partnerId, T0.AddHours(1)))]);
        var accepted = await lead.GetView();
        await lead.Apply([await fixture.Log.WriteAsync(LeadConverted(leadId, dealId, T0.AddDays(2)))]);
        var converted = await lead.GetView();

        Assert.Equal("unroutable", submitted?.Status);
        Assert.Equal("emea", submitted?.Region);
        Assert.Equal("acme.example", submitted?.AccountId);
        Assert.Equal("accepted", accepted?.Status);
        Assert.Equal([(partnerId, "accepted")], accepted!.History.Select(h => (h.PartnerId, h.Outcome)));
        Assert.Equal("converted", converted?.Status);
        Assert.Equal(dealId, converted?.DealId);
    }
}
