using Ecosystem.Contracts.Partners;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class PartnerGrainTests(GrainClusterFixture fixture)
{
    private static readonly PartnerProfile Profile = new()
    {
        Name = "Northwind Integrations",
        PartnerType = "solutions",
        Region = "emea",
        Industries = ["retail", "logistics"],
        AcceptsLeads = true,
        Capacity = 7,
        PayoutCurrency = "EUR",
    };

    private IPartnerGrain Partner(string id) => fixture.Client.GetGrain<IPartnerGrain>(id);

    [Fact]
    public async Task A_partner_without_a_profile_has_no_view()
    {
        Assert.Null(await Partner(NewId("partner")).GetView());
    }

    [Fact]
    public async Task Putting_a_profile_creates_the_partner_the_first_time_and_replaces_it_after()
    {
        var partnerId = NewId("partner");
        var partner = Partner(partnerId);

        var (created, wasCreated) = await partner.PutProfile(Profile);
        var (replaced, wasCreatedAgain) = await partner.PutProfile(Profile with { Name = "Northwind Group", Capacity = 3 });

        Assert.True(wasCreated);
        Assert.False(wasCreatedAgain);
        Assert.Equal(partnerId, created.PartnerId);
        Assert.Equal("Northwind Integrations", created.Name);
        Assert.Equal(["retail", "logistics"], created.Industries);
        Assert.Equal("applied", created.LifecycleStage);
        Assert.Equal("Northwind Group", replaced.Name);
        Assert.Equal(3, (await partner.GetView())!.Capacity);
    }

    [Fact]
    public async Task The_profile_survives_deactivation()
    {
        var partner = Partner(NewId("partner"));
        await partner.PutProfile(Profile);

        await fixture.Cluster.DeactivateAsync(partner);

        var view = await partner.GetView();
        Assert.NotNull(view);
        Assert.Equal(Profile.Name, view.Name);
        Assert.False((await partner.PutProfile(Profile)).Created);
    }

    [Fact]
    public async Task Signing_the_program_terms_starts_onboarding_and_a_first_registered_deal_makes_the_partner_active()
    {
        // Relative to the shared engine clock, which other tests move forward: activity must be recent to be "active".
        var t0 = fixture.Time.GetUtcNow().AddDays(-4);
        var partnerId = NewId("partner");
        var partner = Partner(partnerId);
        await partner.PutProfile(Profile);

        var terms = await fixture.Log.WriteAsync(AgreementSigned(partnerId, "program_terms", t0));
        await partner.Apply([terms]);
        var onboarding = await partner.GetView();

        var registeredAt = t0.AddDays(3).AddHours(12);
        var deal = await fixture.Log.WriteAsync(DealRegistered(NewId("deal"), partnerId, registeredAt));
        await partner.Apply([deal]);
        var active = await partner.GetView();

        Assert.NotNull(onboarding);
        Assert.Equal("onboarding", onboarding.LifecycleStage);
        Assert.Equal(
            [("nda", false), ("program_terms", true), ("training", false), ("first_deal_or_lead", false), ("api_key_used", false)],
            onboarding.Onboarding.Steps.Select(s => (s.Name, s.Done)));
        Assert.Equal(t0, onboarding.Onboarding.Steps.Single(s => s.Name == "program_terms").At);
        Assert.Null(onboarding.Onboarding.ActivatedAt);

        Assert.NotNull(active);
        Assert.Equal("active", active.LifecycleStage);
        Assert.Equal(registeredAt, active.Onboarding.ActivatedAt);
        Assert.Equal(3.5m, active.Onboarding.ActivationDays);
        Assert.True(active.Onboarding.Steps.Single(s => s.Name == "first_deal_or_lead").Done);
        Assert.Equal(2, active.EventCount);
        Assert.Equal(registeredAt, active.LastActivityAt);
    }
}
