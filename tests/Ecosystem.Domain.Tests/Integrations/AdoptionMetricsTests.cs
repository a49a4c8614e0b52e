using CsCheck;
using Ecosystem.Domain.Integrations;

namespace Ecosystem.Domain.Tests.Integrations;

public class AdoptionMetricsTests
{
    [Fact]
    public void Ratios_are_null_when_their_denominator_is_zero()
    {
        Assert.Null(AdoptionMetrics.AdoptionRate(0, 0));
        Assert.Null(AdoptionMetrics.ChurnRate(0, 0));
        Assert.Null(AdoptionMetrics.Conversion(3, 0));
        Assert.Equal(0.25m, AdoptionMetrics.AdoptionRate(1, 4));
        Assert.Equal(1.5m, AdoptionMetrics.Conversion(3, 2));
    }

    [Fact]
    public void Nothing_seen_gives_counts_of_zero_and_no_rates()
    {
        var figures = new AdoptionCounters().Figures();

        Assert.Equal(0, figures.AccountsSeen);
        Assert.Null(figures.AdoptionRate);
        Assert.Equal(new ChurnGroup(0, 0, null), figures.NoIntegration);
        Assert.Equal(new ChurnGroup(0, 0, null), figures.ThreeOrMoreIntegrations);
        Assert.Null(figures.ChurnRateDifference);
        Assert.Null(figures.MarketplaceConversion);
    }

    [Fact]
    public void A_worked_example_of_adoption_churn_and_conversion()
    {
        var c = new AdoptionCounters();

        // Six accounts seen. a: 3 integrations, churns. b: 3 integrations. c: 1 integration.
        // d, e: none, d churns. f: installed one then uninstalled it (none), churns.
        foreach (var i in new[] { "i1", "i2", "i3" })
        {
            c.Install("a.com", i);
            c.Install("b.com", i);
        }

        c.Install("c.com", "i1");
        c.Install("c.com", "i1");          // a repeat: not an install
        c.SeeAccount("d.com");
        c.View("e.com");
        c.Install("f.com", "i2");
        c.Uninstall("f.com", "i2");
        c.Churn("a.com");
        c.Churn("d.com");
        c.Churn("f.com");
        c.Churn("f.com");                  // a repeat: no effect
        c.Uninstall("a.com", "i1");        // after churn: a stays in the three-or-more group
        for (var v = 0; v < 15; v++)
        {
            c.View();
        }

        var figures = c.Figures();

        // Adoption: a (2 left), b, c have an active install: 3 of 6.
        Assert.Equal(6, figures.AccountsSeen);
        Assert.Equal(3, figures.AccountsWithActiveInstall);
        Assert.Equal(0.5m, figures.AdoptionRate);
        // None: d, e, f; churned d, f → 2/3. Three or more: a, b; churned a → 1/2.
        Assert.Equal(new ChurnGroup(3, 2, 2m / 3), figures.NoIntegration);
        Assert.Equal(new ChurnGroup(2, 1, 0.5m), figures.ThreeOrMoreIntegrations);
        Assert.Equal((2m / 3) - 0.5m, figures.ChurnRateDifference);
        // Installs: 3 + 3 + 1 + 1 = 8 over 16 views.
        Assert.Equal(8, figures.Installs);
        Assert.Equal(16, figures.ListingViews);
        Assert.Equal(0.5m, figures.MarketplaceConversion);
    }

    [Fact]
    public void An_account_moves_between_groups_as_it_installs_until_it_churns()
    {
        var c = new AdoptionCounters();
        c.SeeAccount("a.com");
        Assert.Equal(1, c.Figures().NoIntegration.Accounts);

        c.Install("a.com", "i1");
        Assert.Equal(0, c.Figures().NoIntegration.Accounts);
        Assert.Equal(0, c.Figures().ThreeOrMoreIntegrations.Accounts);

        c.Install("a.com", "i2");
        c.Install("a.com", "i3");
        Assert.Equal(1, c.Figures().ThreeOrMoreIntegrations.Accounts);

        c.Uninstall("a.com", "i3");
        Assert.Equal(0, c.Figures().ThreeOrMoreIntegrations.Accounts);
    }

    [Fact]
    public void An_integrations_install_base_counts_active_total_and_conversion()
    {
        var installs = new InstallBase();
        Assert.Null(installs.ConversionRate);

        Assert.True(installs.Install("a.com"));
        Assert.False(installs.Install("a.com"));
        Assert.True(installs.Install("b.com"));
        Assert.True(installs.Uninstall("a.com"));
        Assert.False(installs.Uninstall("a.com"));
        Assert.True(installs.Install("a.com"));   // a reinstall counts again
        installs.View();
        installs.View();
        installs.View();
        installs.View();

        Assert.Equal(new InstallCounts(2, 3), installs.Counts);
        Assert.Equal(1, installs.Counts.Uninstalled);
        Assert.Equal(0.75m, installs.ConversionRate);
    }

    // ---- the counters against a brute-force model ----------------------------------------------------

    private static readonly string[] Accounts = ["a.com", "b.com", "c.com", "d.com"];
    private static readonly string[] Integrations = ["i1", "i2", "i3", "i4"];

    [Fact]
    public void The_incremental_counters_equal_a_recount_from_the_events()
    {
        var ops = Gen.Select(Gen.Int[0, 5], Gen.Int[0, Accounts.Length - 1], Gen.Int[0, Integrations.Length - 1]);
        ops.Array[0, 80].Sample(events =>
        {
            var counters = new AdoptionCounters();
            var seen = new HashSet<string>();
            var active = Accounts.ToDictionary(a => a, _ => new HashSet<string>());
            var atChurn = new Dictionary<string, int>();
            long installs = 0, views = 0;
            foreach (var (op, ai, ii) in events)
            {
                var (account, integration) = (Accounts[ai], Integrations[ii]);
                seen.Add(account);
                switch (op)
                {
                    case 0 or 1 or 2:
                        counters.Install(account, integration);
                        installs += active[account].Add(integration) ? 1 : 0;
                        break;
                    case 3:
                        counters.Uninstall(account, integration);
                        active[account].Remove(integration);
                        break;
                    case 4:
                        counters.Churn(account);
                        atChurn.TryAdd(account, active[account].Count);
                        break;
                    default:
                        counters.View(account);
                        views++;
                        break;
                }
            }

            int Group(string a) => atChurn.TryGetValue(a, out var n) ? n : active[a].Count;
            var none = seen.Where(a => Group(a) == 0).ToList();
            var many = seen.Where(a => Group(a) >= 3).ToList();

            var figures = counters.Figures();
            Assert.Equal(seen.Count, figures.AccountsSeen);
            Assert.Equal(seen.Count(a => active[a].Count > 0), figures.AccountsWithActiveInstall);
            Assert.Equal(AdoptionMetrics.Group(none.Count, none.Count(atChurn.ContainsKey)), figures.NoIntegration);
            Assert.Equal(AdoptionMetrics.Group(many.Count, many.Count(atChurn.ContainsKey)), figures.ThreeOrMoreIntegrations);
            Assert.Equal(installs, figures.Installs);
            Assert.Equal(views, figures.ListingViews);
        }, iter: 1_000);
    }
}
