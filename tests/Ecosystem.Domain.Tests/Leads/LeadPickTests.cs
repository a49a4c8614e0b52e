using Ecosystem.Domain.Leads;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Leads;

public class LeadPickTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static RoutingCandidate Candidate(string id, decimal score, DateTimeOffset? lastOfferedAt = null) =>
        new(new PartnerRoutingProfile { PartnerId = id, Region = "EMEA", LastOfferedAt = lastOfferedAt }, new RoutingScore(score, []));

    [Fact]
    public void The_best_score_wins()
    {
        var winner = LeadRouting.Pick([Candidate("p-a", 61.5m), Candidate("p-b", 72.25m), Candidate("p-c", 72.24m)]);

        Assert.Equal("p-b", winner?.Profile.PartnerId);
    }

    [Fact]
    public void A_tie_goes_to_the_least_recently_offered_partner()
    {
        var winner = LeadRouting.Pick([Candidate("p-a", 70m, T0.AddHours(2)), Candidate("p-b", 70m, T0), Candidate("p-c", 70m, T0.AddHours(1))]);

        Assert.Equal("p-b", winner?.Profile.PartnerId);
    }

    [Fact]
    public void A_partner_never_offered_a_lead_comes_before_any_offered_one_in_a_tie()
    {
        var winner = LeadRouting.Pick([Candidate("p-a", 70m, T0), Candidate("p-z", 70m, null)]);

        Assert.Equal("p-z", winner?.Profile.PartnerId);
    }

    [Fact]
    public void Offer_times_compare_as_instants_whatever_their_offset()
    {
        var earlierInTokyo = new DateTimeOffset(2025, 3, 1, 17, 0, 0, TimeSpan.FromHours(9)); // 08:00 UTC

        var winner = LeadRouting.Pick([Candidate("p-a", 70m, T0), Candidate("p-b", 70m, earlierInTokyo)]);

        Assert.Equal("p-b", winner?.Profile.PartnerId);
    }

    [Fact]
    public void A_full_tie_goes_to_the_partner_id_in_ordinal_order()
    {
        var winner = LeadRouting.Pick([Candidate("p-b", 70m, T0), Candidate("p-a", 70m, T0), Candidate("P-c", 70m, T0)]);

        Assert.Equal("P-c", winner?.Profile.PartnerId);
    }

    [Fact]
    public void The_choice_does_not_depend_on_the_order_of_the_candidates()
    {
        RoutingCandidate[] candidates = [Candidate("p-a", 70m, T0), Candidate("p-b", 70m, T0), Candidate("p-c", 70m, null), Candidate("p-d", 70m, null)];

        Assert.Equal("p-c", LeadRouting.Pick(candidates)?.Profile.PartnerId);
        Assert.Equal("p-c", LeadRouting.Pick(candidates.Reverse())?.Profile.PartnerId);
    }

    [Fact]
    public void No_candidate_means_no_winner()
    {
        Assert.Null(LeadRouting.Pick([]));
    }

    [Fact]
    public void Route_skips_ineligible_partners_and_picks_the_best_scored_of_the_rest()
    {
        PartnerRoutingProfile Partner(string id, int health) => new()
        {
            PartnerId = id, Region = "EMEA", AcceptsLeads = true, ProgramTermsSigned = true, Capacity = 5, HealthScore = health,
        };

        var winner = LeadRouting.Route(
            [Partner("p-best-but-offered", 100), Partner("p-good", 80), Partner("p-weak", 20), Partner("p-churned", 90) with { Churned = true }],
            "emea",
            "retail",
            ["p-best-but-offered"],
            ProgramSettings.Default.Routing);

        Assert.Equal("p-good", winner?.Profile.PartnerId);
        Assert.Equal(LeadRouting.Score(winner!.Profile, ProgramSettings.Default.Routing), winner.Score);
    }

    [Fact]
    public void Route_with_nobody_eligible_returns_null()
    {
        var churned = new PartnerRoutingProfile { PartnerId = "p-1", Region = "EMEA", AcceptsLeads = true, ProgramTermsSigned = true, Capacity = 5, Churned = true };

        Assert.Null(LeadRouting.Route([churned], "EMEA", null, [], ProgramSettings.Default.Routing));
    }
}
