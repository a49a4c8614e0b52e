using CsCheck;
using Ecosystem.Domain.Integrations;

namespace Ecosystem.Domain.Tests.Integrations;

public class CoInstallIndexTests
{
    private const string Crm = "crm-sync";
    private const string Billing = "billing-bridge";
    private const string HelpDesk = "help-desk";
    private const string Analytics = "analytics-hub";

    /// <summary>
    /// Five accounts, four integrations:
    /// <code>
    /// acme.com     crm-sync  billing-bridge  help-desk
    /// beta.io      crm-sync  billing-bridge
    /// gamma.net    crm-sync                              analytics-hub
    /// delta.org    crm-sync                  help-desk
    /// eps.dev                billing-bridge  help-desk  analytics-hub
    /// </code>
    /// co(crm, billing) = 2 (acme, beta), co(crm, help) = 2 (acme, delta), co(crm, analytics) = 1 (gamma),
    /// co(help, billing) = 2 (acme, eps), co(help, analytics) = 1 (eps), co(billing, analytics) = 1 (eps).
    /// </summary>
    private static CoInstallIndex Fixture()
    {
        var index = new CoInstallIndex();
        foreach (var (account, integrations) in new[]
        {
            ("acme.com", new[] { Crm, Billing, HelpDesk }),
            ("beta.io", new[] { Crm, Billing }),
            ("gamma.net", new[] { Crm, Analytics }),
            ("delta.org", new[] { Crm, HelpDesk }),
            ("eps.dev", new[] { Billing, HelpDesk, Analytics }),
        })
        {
            foreach (var integration in integrations)
            {
                index.Install(account, integration);
            }
        }

        return index;
    }

    [Fact]
    public void The_fixture_counts_are_those_computed_by_hand()
    {
        var index = Fixture();

        Assert.Equal(2, index.CoInstalls(Crm, Billing));
        Assert.Equal(2, index.CoInstalls(Billing, Crm));
        Assert.Equal(2, index.CoInstalls(Crm, HelpDesk));
        Assert.Equal(1, index.CoInstalls(Crm, Analytics));
        Assert.Equal(2, index.CoInstalls(HelpDesk, Billing));
        Assert.Equal(1, index.CoInstalls(HelpDesk, Analytics));
        Assert.Equal(1, index.CoInstalls(Billing, Analytics));
        Assert.Equal(4, index.ActiveInstalls(Crm));
        Assert.Equal(5, index.AccountsWithInstalls);
    }

    [Fact]
    public void A_new_account_with_crm_sync_is_recommended_what_crm_sync_accounts_also_installed()
    {
        var index = Fixture();
        index.Install("new.co", Crm);

        var recommendations = index.Recommend("new.co", 10);

        // billing-bridge 2 and help-desk 2 tie, ordered by id; analytics-hub 1.
        Assert.Equal([(Billing, 2), (HelpDesk, 2), (Analytics, 1)], recommendations.Select(r => (r.IntegrationId, r.Score)));
        Assert.Equal(["2 accounts that installed crm-sync also installed billing-bridge"], recommendations[0].Reasons);
        Assert.Equal(["1 account that installed crm-sync also installed analytics-hub"], recommendations[2].Reasons);
    }

    [Fact]
    public void An_account_with_two_integrations_adds_the_evidence_of_both()
    {
        var index = Fixture();
        index.Install("two.co", Crm);
        index.Install("two.co", HelpDesk);

        var recommendations = index.Recommend("two.co", 10);

        // billing-bridge: co(crm, billing) 2 + co(help, billing) 2 = 4; analytics-hub: 1 + 1 = 2.
        Assert.Equal([(Billing, 4), (Analytics, 2)], recommendations.Select(r => (r.IntegrationId, r.Score)));
        Assert.Equal(
            [
                "2 accounts that installed crm-sync also installed billing-bridge",
                "2 accounts that installed help-desk also installed billing-bridge",
            ],
            recommendations[0].Reasons);
        Assert.Equal([new CoInstallEvidence(Crm, 1), new CoInstallEvidence(HelpDesk, 1)], recommendations[1].Because);
    }

    [Fact]
    public void An_uninstall_takes_the_account_out_of_every_count()
    {
        var index = Fixture();
        index.Install("new.co", Crm);

        Assert.True(index.Uninstall("beta.io", Billing));

        // billing-bridge falls to 1 and ties with analytics-hub, which comes first by id.
        Assert.Equal(1, index.CoInstalls(Crm, Billing));
        Assert.Equal([(HelpDesk, 2), (Analytics, 1), (Billing, 1)], index.Recommend("new.co", 10).Select(r => (r.IntegrationId, r.Score)));
    }

    [Fact]
    public void The_first_k_are_returned_and_eligibility_filters_before_the_cut()
    {
        var index = Fixture();
        index.Install("new.co", Crm);

        Assert.Equal([Billing], index.Recommend("new.co", 1).Select(r => r.IntegrationId));
        Assert.Equal([HelpDesk, Analytics], index.Recommend("new.co", 2, id => id != Billing).Select(r => r.IntegrationId));
        Assert.Empty(index.Recommend("new.co", 0));
    }

    [Fact]
    public void An_account_with_nothing_installed_gets_no_recommendation()
    {
        var index = Fixture();

        Assert.Empty(index.Recommend("nobody.com", 5));
        index.Install("gone.com", Crm);
        index.Uninstall("gone.com", Crm);
        Assert.Empty(index.Recommend("gone.com", 5));
    }

    [Fact]
    public void Installing_twice_counts_once_and_uninstalling_what_is_not_installed_changes_nothing()
    {
        var index = Fixture();

        Assert.False(index.Install("acme.com", Crm));
        Assert.False(index.Uninstall("beta.io", HelpDesk));
        Assert.False(index.Uninstall("nobody.com", Crm));

        Assert.Equal(2, index.CoInstalls(Crm, Billing));
        Assert.Equal(4, index.ActiveInstalls(Crm));
    }

    // ---- properties --------------------------------------------------------------------------------

    private static readonly string[] Accounts = ["a.com", "b.com", "c.com", "d.com", "e.com", "f.com"];
    private static readonly string[] Integrations = ["i1", "i2", "i3", "i4", "i5"];

    private static readonly Gen<(bool Install, string Account, string Integration)> Ops =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, Accounts.Length - 1], Gen.Int[0, Integrations.Length - 1],
            (op, a, i) => (op != 0, Accounts[a], Integrations[i])); // three installs to one uninstall

    private static CoInstallIndex Replay(IEnumerable<(bool Install, string Account, string Integration)> ops)
    {
        var index = new CoInstallIndex();
        foreach (var (install, account, integration) in ops)
        {
            _ = install ? index.Install(account, integration) : index.Uninstall(account, integration);
        }

        return index;
    }

    /// <summary>Everything observable about the index, brute force.</summary>
    private static string Snapshot(CoInstallIndex index) => string.Join("|",
        Accounts.Select(a => a + ":" + string.Join(",", index.InstalledBy(a)))
            .Concat(Integrations.SelectMany(i => Integrations.Select(j => $"{i}{j}={index.CoInstalls(i, j)}")))
            .Concat(Integrations.Select(i => $"n{i}={index.ActiveInstalls(i)}")));

    [Fact]
    public void The_incremental_counts_equal_a_count_over_the_final_installs()
    {
        Ops.Array[0, 60].Sample(ops =>
        {
            var index = Replay(ops);

            foreach (var i in Integrations)
            {
                Assert.Equal(Accounts.Count(a => index.HasInstalled(a, i)), index.ActiveInstalls(i));
                foreach (var j in Integrations.Where(j => j != i))
                {
                    Assert.Equal(Accounts.Count(a => index.HasInstalled(a, i) && index.HasInstalled(a, j)), index.CoInstalls(i, j));
                }
            }
        }, iter: 1_000);
    }

    [Fact]
    public void Repeating_any_install_or_uninstall_changes_nothing()
    {
        Gen.Select(Ops.Array[0, 40], Ops).Sample((ops, op) =>
        {
            var once = Replay(ops.Append(op));
            var twice = Replay(ops.Append(op).Append(op));

            Assert.Equal(Snapshot(once), Snapshot(twice));
        }, iter: 1_000);
    }

    [Fact]
    public void An_install_undone_by_its_uninstall_leaves_the_index_as_it_was()
    {
        Gen.Select(Ops.Array[0, 40], Gen.Int[0, Accounts.Length - 1], Gen.Int[0, Integrations.Length - 1]).Sample((ops, a, i) =>
        {
            var before = Replay(ops);
            if (before.HasInstalled(Accounts[a], Integrations[i]))
            {
                return;
            }

            var after = Replay(ops.Append((true, Accounts[a], Integrations[i])).Append((false, Accounts[a], Integrations[i])));

            Assert.Equal(Snapshot(before), Snapshot(after));
        }, iter: 1_000);
    }

    [Fact]
    public void Recommendations_never_include_what_the_account_has_and_are_ranked_as_documented()
    {
        Gen.Select(Ops.Array[0, 60], Gen.Int[0, Accounts.Length - 1], Gen.Int[1, 6]).Sample((ops, a, k) =>
        {
            var index = Replay(ops);
            var account = Accounts[a];
            var mine = index.InstalledBy(account);

            var recommendations = index.Recommend(account, k);

            Assert.True(recommendations.Count <= k);
            Assert.All(recommendations, r =>
            {
                Assert.DoesNotContain(r.IntegrationId, mine);
                Assert.Equal(mine.Sum(i => index.CoInstalls(i, r.IntegrationId)), r.Score);
                Assert.True(r.Score > 0);
                Assert.Equal(r.Because.Count, r.Reasons.Count);
            });
            for (var n = 1; n < recommendations.Count; n++)
            {
                var (prev, next) = (recommendations[n - 1], recommendations[n]);
                Assert.True(prev.Score > next.Score
                    || (prev.Score == next.Score && string.CompareOrdinal(prev.IntegrationId, next.IntegrationId) < 0));
            }
        }, iter: 1_000);
    }
}
