using Ecosystem.Domain.Leads;

namespace Ecosystem.Domain.Tests.Leads;

public class LeadEligibilityTests
{
    private static readonly string[] NoneOffered = [];

    private static PartnerRoutingProfile Eligible(string id = "p-1") => new()
    {
        PartnerId = id,
        Region = "EMEA",
        Industries = ["retail", "finance"],
        AcceptsLeads = true,
        ProgramTermsSigned = true,
        Churned = false,
        Capacity = 10,
        OpenLeads = 3,
    };

    [Fact]
    public void A_partner_meeting_every_rule_is_eligible_with_a_reason_saying_so()
    {
        var (eligible, reason) = LeadRouting.IsEligible(Eligible(), "EMEA", "retail", NoneOffered);

        Assert.True(eligible);
        Assert.StartsWith("eligible", reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> EachRuleAlone => new()
    {
        { "terms", "program terms" },
        { "churned", "churned" },
        { "acceptsLeads", "accept leads" },
        { "region", "region" },
        { "industry", "industry" },
        { "capacity", "capacity" },
        { "offered", "already offered" },
    };

    [Theory]
    [MemberData(nameof(EachRuleAlone))]
    public void Each_rule_alone_makes_a_partner_ineligible_with_a_reason_naming_it(string rule, string named)
    {
        var profile = Eligible();
        var region = "EMEA";
        var industry = "retail";
        IReadOnlyCollection<string> offered = NoneOffered;
        switch (rule)
        {
            case "terms": profile = profile with { ProgramTermsSigned = false }; break;
            case "churned": profile = profile with { Churned = true }; break;
            case "acceptsLeads": profile = profile with { AcceptsLeads = false }; break;
            case "region": region = "APAC"; break;
            case "industry": industry = "healthcare"; break;
            case "capacity": profile = profile with { OpenLeads = 10 }; break;
            case "offered": offered = ["p-0", "p-1"]; break;
            default: throw new ArgumentOutOfRangeException(nameof(rule));
        }

        var (eligible, reason) = LeadRouting.IsEligible(profile, region, industry, offered);

        Assert.False(eligible);
        Assert.Contains(named, reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Regions_and_industries_compare_case_insensitively()
    {
        Assert.True(LeadRouting.IsEligible(Eligible(), "emea", "RETAIL", NoneOffered).Eligible);
    }

    [Fact]
    public void A_partner_listing_no_industry_serves_every_industry()
    {
        Assert.True(LeadRouting.IsEligible(Eligible() with { Industries = [] }, "EMEA", "mining", NoneOffered).Eligible);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_lead_with_no_industry_matches_every_partner(string? industry)
    {
        Assert.True(LeadRouting.IsEligible(Eligible(), "EMEA", industry, NoneOffered).Eligible);
    }

    [Fact]
    public void One_open_lead_below_capacity_is_still_eligible_and_a_capacity_of_zero_never_is()
    {
        Assert.True(LeadRouting.IsEligible(Eligible() with { OpenLeads = 9 }, "EMEA", "retail", NoneOffered).Eligible);
        Assert.False(LeadRouting.IsEligible(Eligible() with { Capacity = 0, OpenLeads = 0 }, "EMEA", "retail", NoneOffered).Eligible);
    }

    [Fact]
    public void Earlier_offers_compare_partner_ids_ordinally()
    {
        Assert.True(LeadRouting.IsEligible(Eligible("p-1"), "EMEA", "retail", ["P-1"]).Eligible);
    }
}
