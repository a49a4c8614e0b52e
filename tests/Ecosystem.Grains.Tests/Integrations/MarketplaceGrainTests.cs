using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Integrations;

/// <summary>Installs, listing views and adoption counted by the integration and the marketplace as events arrive, once each.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class MarketplaceGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Installs_uninstalls_and_views_give_the_integration_its_install_counts_and_conversion()
    {
        var id = NewId("int");
        var integration = await fixture.NewIntegrationAsync(id, NewId("category"));
        var now = fixture.Time.GetUtcNow();
        var (a, b, c) = (NewId("acct") + ".example", NewId("acct") + ".example", NewId("acct") + ".example");

        await fixture.DeliverAsync(integration,
            IntegrationEvents.Viewed(id, now, a), IntegrationEvents.Viewed(id, now), IntegrationEvents.Viewed(id, now), IntegrationEvents.Viewed(id, now),
            IntegrationEvents.Install(EventTypes.IntegrationInstalled, id, a, now),
            IntegrationEvents.Install(EventTypes.IntegrationInstalled, id, a.ToUpperInvariant(), now),
            IntegrationEvents.Install(EventTypes.IntegrationInstalled, id, b, now),
            IntegrationEvents.Install(EventTypes.IntegrationInstalled, id, c, now),
            IntegrationEvents.Install(EventTypes.IntegrationUninstalled, id, b, now));
        var view = await integration.ViewAsync();

        // a (installed twice, compared case-insensitively: one install), b (then uninstalled), c: 2 active of 3 made; 3 installs / 4 views.
        Assert.Equal((2L, 3L), (view.Installs.Active, view.Installs.Total));
        Assert.Equal(4, view.Views);
        Assert.Equal(0.75m, view.ConversionRate);
        // Uninstall rate 1 of 3: 100 × (1 − 1/3) = 66.7.
        Assert.Equal(66.7m, view.Component(QualityComponents.UninstallRate).Score);
    }

    [Fact]
    public async Task A_redelivered_batch_has_no_second_effect_on_the_adoption_figures()
    {
        var id = NewId("int");
        var integration = await fixture.NewIntegrationAsync(id, NewId("category"));
        var now = fixture.Time.GetUtcNow();
        var account = NewId("acct") + ".example";
        var before = await fixture.Marketplace().GetAdoptionFigures();

        var logged = await fixture.DeliverAsync(integration,
            IntegrationEvents.Viewed(id, now, account),
            IntegrationEvents.Install(EventTypes.IntegrationInstalled, id, account, now),
            IntegrationEvents.Install(EventTypes.IntegrationUninstalled, id, account, now),
            IntegrationEvents.Install(EventTypes.IntegrationInstalled, id, account, now));
        var once = await fixture.Marketplace().GetAdoptionFigures();
        await fixture.Marketplace().Apply(logged);
        await integration.Apply(logged);
        var twice = await fixture.Marketplace().GetAdoptionFigures();

        // One account more, with an active install; two installs made active (a reinstall counts again); one view.
        Assert.Equal(before.AccountsSeen + 1, once.AccountsSeen);
        Assert.Equal(before.AccountsWithActiveInstall + 1, once.AccountsWithActiveInstall);
        Assert.Equal(before.Installs + 2, once.Installs);
        Assert.Equal(before.ListingViews + 1, once.ListingViews);
        Assert.Equal(once, twice);
        Assert.Equal((1L, 2L), ((await integration.ViewAsync()).Installs.Active, (await integration.ViewAsync()).Installs.Total));
    }
}
