using Ecosystem.Domain.Attribution;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Attribution;

/// <summary>Worked examples: every expected number below is worked out by hand, not by the calculator.</summary>
public class AttributionCalculatorTests
{
    private static readonly DateTimeOffset Day0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly AttributionSettings Defaults = ProgramSettings.Default.Attribution;

    private static Touch T(string partner, int day, long order, string role = TouchRoles.Influenced) =>
        new(partner, role, Day0.AddDays(day), order);

    private static AttributionInput Deal(decimal amount, string currency, params Touch[] touches) =>
        new(amount, currency, touches, ClosedAt: null, ApprovedRegistrant: null);

    private static AttributionResult Compute(string model, AttributionInput input, AttributionSettings? settings = null) =>
        AttributionCalculator.Compute(model, input, settings ?? Defaults);

    private static PartnerCredit Credit(AttributionResult result, string partnerId) =>
        Assert.Single(result.Credits, c => c.PartnerId == partnerId);

    private static void AssertCredits(AttributionResult result, params (string PartnerId, decimal Amount)[] expected)
    {
        Assert.Equal(expected, result.Credits.Select(c => (c.PartnerId, c.Amount)).ToArray());
        Assert.Equal(result.Amount, result.Credits.Sum(c => c.Amount));
    }

    // ---- linear and the rounding of equal shares -------------------------------------------------

    [Fact]
    public void Three_equal_linear_shares_of_100_dollars_give_the_extra_cent_to_the_lowest_partner_id()
    {
        var result = Compute(AttributionModels.Linear, Deal(100.00m, "USD", T("zeta", 1, 1), T("alpha", 2, 2), T("mike", 3, 3)));

        AssertCredits(result, ("alpha", 33.34m), ("mike", 33.33m), ("zeta", 33.33m));
        Assert.All(result.Credits, c => Assert.Equal(0.333333m, c.Share));
        Assert.All(result.Credits, c => Assert.Equal(1m, Assert.Single(c.Touches).Weight));
        Assert.Equal(AttributionModels.Linear, result.Model);
        Assert.Equal(100.00m, result.Amount);
        Assert.Equal("USD", result.Currency);
    }

    [Fact]
    public void Credits_carry_exactly_the_decimals_of_the_minor_unit()
    {
        var result = Compute(AttributionModels.Linear, Deal(90m, "USD", T("a", 1, 1), T("b", 2, 2), T("c", 3, 3)));

        Assert.Equal("90.00", result.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(result.Credits, c => Assert.Equal("30.00", c.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_thousand_yen_three_ways_is_334_333_333()
    {
        var result = Compute(AttributionModels.Linear, Deal(1000m, "JPY", T("p-3", 1, 1), T("p-2", 2, 2), T("p-1", 3, 3)));

        AssertCredits(result, ("p-1", 334m), ("p-2", 333m), ("p-3", 333m));
    }

    [Fact]
    public void Bahraini_dinars_split_to_the_fils_with_three_decimals()
    {
        var result = Compute(AttributionModels.Linear, Deal(1.000m, "BHD", T("c", 1, 1), T("b", 2, 2), T("a", 3, 3)));

        AssertCredits(result, ("a", 0.334m), ("b", 0.333m), ("c", 0.333m));
    }

    [Fact]
    public void An_amount_finer_than_the_minor_unit_is_rounded_first_half_away_from_zero()
    {
        var dinars = Compute(AttributionModels.Linear, Deal(12.3455m, "BHD", T("a", 1, 1), T("b", 2, 2)));
        var dollars = Compute(AttributionModels.Linear, Deal(100.005m, "USD", T("a", 1, 1)));

        Assert.Equal(12.346m, dinars.Amount);
        AssertCredits(dinars, ("a", 6.173m), ("b", 6.173m));
        Assert.Equal(100.01m, dollars.Amount);
        AssertCredits(dollars, ("a", 100.01m));
    }

    [Fact]
    public void The_same_partner_with_several_touches_sums_their_weights()
    {
        var result = Compute(AttributionModels.Linear, Deal(100.00m, "USD", T("a", 1, 1), T("b", 2, 2), T("a", 3, 3), T("a", 4, 4)));

        AssertCredits(result, ("a", 75.00m), ("b", 25.00m));
        Assert.Equal(0.75m, Credit(result, "a").Share);
        Assert.Equal([Day0.AddDays(1), Day0.AddDays(3), Day0.AddDays(4)], Credit(result, "a").Touches.Select(t => t.At));
    }

    // ---- which touches count, and in which order ---------------------------------------------------

    [Fact]
    public void A_touch_after_the_close_is_ignored_and_one_at_the_close_counts()
    {
        var input = Deal(500.00m, "USD", T("early", 1, 1), T("at-close", 10, 2), T("late", 11, 3)) with { ClosedAt = Day0.AddDays(10) };

        var result = Compute(AttributionModels.Linear, input);

        AssertCredits(result, ("at-close", 250.00m), ("early", 250.00m));
        Assert.DoesNotContain(result.Credits, c => c.PartnerId == "late");
    }

    [Fact]
    public void Touches_at_the_same_instant_are_ordered_by_acceptance_order()
    {
        // Listed in the opposite order of acceptance: "zed" was accepted first.
        var input = Deal(100.00m, "USD", T("amy", 1, 8), T("zed", 1, 5));

        AssertCredits(Compute(AttributionModels.FirstTouch, input), ("zed", 100.00m), ("amy", 0.00m));
        AssertCredits(Compute(AttributionModels.LastTouch, input), ("amy", 100.00m), ("zed", 0.00m));
    }

    [Fact]
    public void Touches_are_ordered_by_time_before_acceptance_order()
    {
        var input = Deal(100.00m, "USD", T("later-time", 2, 1), T("earlier-time", 1, 2));

        AssertCredits(Compute(AttributionModels.FirstTouch, input), ("earlier-time", 100.00m), ("later-time", 0.00m));
    }

    [Fact]
    public void A_deal_without_touches_has_no_credits()
    {
        foreach (var model in AttributionModels.All)
        {
            var result = Compute(model, Deal(100.00m, "USD"));

            Assert.Empty(result.Credits);
            Assert.Equal(100.00m, result.Amount);
            Assert.Equal(model, result.Model);
        }
    }

    [Fact]
    public void A_deal_whose_touches_all_came_after_the_close_has_no_credits()
    {
        var input = Deal(100.00m, "USD", T("a", 5, 1)) with { ClosedAt = Day0.AddDays(4) };

        Assert.Empty(Compute(AttributionModels.Linear, input).Credits);
    }

    [Fact]
    public void A_deal_of_zero_still_lists_its_partners_with_zero_credit()
    {
        var result = Compute(AttributionModels.Linear, Deal(0m, "USD", T("a", 1, 1), T("b", 2, 2)));

        AssertCredits(result, ("a", 0.00m), ("b", 0.00m));
        Assert.All(result.Credits, c => Assert.Equal(0.5m, c.Share));
    }

    // ---- first and last touch -----------------------------------------------------------------------

    [Fact]
    public void First_touch_gives_everything_to_the_earliest_touch_and_lists_the_others_at_zero()
    {
        var result = Compute(AttributionModels.FirstTouch, Deal(100.00m, "USD", T("c", 1, 1), T("a", 2, 2), T("b", 3, 3)));

        AssertCredits(result, ("c", 100.00m), ("a", 0.00m), ("b", 0.00m));
        Assert.Equal(1m, Credit(result, "c").Share);
        Assert.Equal(0m, Credit(result, "a").Share);
        Assert.Equal(0m, Assert.Single(Credit(result, "a").Touches).Weight);
        Assert.Equal(1m, Assert.Single(Credit(result, "c").Touches).Weight);
    }

    [Fact]
    public void Last_touch_gives_everything_to_the_latest_touch()
    {
        var result = Compute(AttributionModels.LastTouch, Deal(1000m, "JPY", T("c", 1, 1), T("a", 2, 2), T("b", 3, 3), T("a", 4, 4)));

        AssertCredits(result, ("a", 1000m), ("b", 0m), ("c", 0m));
        Assert.Equal([0m, 1m], Credit(result, "a").Touches.Select(t => t.Weight));
    }

    // ---- position based ----------------------------------------------------------------------------

    [Fact]
    public void Position_based_with_one_touch_gives_it_everything()
    {
        var result = Compute(AttributionModels.PositionBased, Deal(250.00m, "USD", T("solo", 1, 1)));

        AssertCredits(result, ("solo", 250.00m));
        Assert.Equal(1m, Assert.Single(result.Credits[0].Touches).Weight);
        Assert.Equal(1m, result.Credits[0].Share);
    }

    [Fact]
    public void Position_based_with_two_touches_splits_50_50_and_the_odd_cent_goes_to_the_lower_id()
    {
        // 99.99 / 2 = 49.995: both floor to 49.99, the remaining cent goes to "a" (same remainder, lower id).
        var result = Compute(AttributionModels.PositionBased, Deal(99.99m, "USD", T("b", 1, 1), T("a", 2, 2)));

        AssertCredits(result, ("a", 50.00m), ("b", 49.99m));
        Assert.All(result.Credits, c => Assert.Equal(0.5m, Assert.Single(c.Touches).Weight));
        Assert.All(result.Credits, c => Assert.Equal(0.5m, c.Share));
    }

    [Fact]
    public void Position_based_with_three_touches_is_40_20_40()
    {
        var result = Compute(AttributionModels.PositionBased, Deal(1.000m, "BHD", T("first", 1, 1), T("middle", 2, 2), T("last", 3, 3)));

        AssertCredits(result, ("first", 0.400m), ("last", 0.400m), ("middle", 0.200m));
        Assert.Equal(0.2m, Assert.Single(Credit(result, "middle").Touches).Weight);
        Assert.Equal(0.4m, Assert.Single(Credit(result, "first").Touches).Weight);
    }

    [Fact]
    public void Position_based_with_five_touches_shares_the_middle_20_percent_and_rounds_by_largest_remainder()
    {
        // 40.00 + 3 × 6.666… + 40.00: the middles floor to 6.66 (99.98 in all); the two cents left go to the
        // two lowest ids among the three equal remainders: p2 and p3, not p4.
        var result = Compute(
            AttributionModels.PositionBased,
            Deal(100.00m, "USD", T("p1", 1, 1), T("p4", 2, 2), T("p2", 3, 3), T("p3", 4, 4), T("p5", 5, 5)));

        AssertCredits(result, ("p1", 40.00m), ("p5", 40.00m), ("p2", 6.67m), ("p3", 6.67m), ("p4", 6.66m));
        Assert.Equal(0.4m, Credit(result, "p1").Share);
        Assert.Equal(0.066667m, Credit(result, "p4").Share);
        Assert.Equal(0.0666666667m, Assert.Single(Credit(result, "p4").Touches).Weight);
        Assert.Equal(0.4m, Assert.Single(Credit(result, "p5").Touches).Weight);
    }

    [Fact]
    public void Position_based_credits_a_partner_both_first_and_last_with_80_percent()
    {
        var result = Compute(AttributionModels.PositionBased, Deal(1000m, "JPY", T("a", 1, 1), T("b", 2, 2), T("a", 3, 3)));

        AssertCredits(result, ("a", 800m), ("b", 200m));
        Assert.Equal([0.4m, 0.4m], Credit(result, "a").Touches.Select(t => t.Weight));
    }

    // ---- time decay ---------------------------------------------------------------------------------

    [Fact]
    public void Time_decay_with_a_7_day_half_life_gives_a_touch_7_days_before_half_the_weight()
    {
        // Weights 0.5 and 1: 100 × 0.5/1.5 = 33.333… and 66.666…; the cent goes to the larger remainder.
        var result = Compute(AttributionModels.TimeDecay, Deal(100.00m, "USD", T("old", 1, 1), T("new", 8, 2)));

        AssertCredits(result, ("new", 66.67m), ("old", 33.33m));
        Assert.Equal(0.5m, Assert.Single(Credit(result, "old").Touches).Weight);
        Assert.Equal(1m, Assert.Single(Credit(result, "new").Touches).Weight);
        Assert.Equal(0.333333m, Credit(result, "old").Share);
        Assert.Equal(0.666667m, Credit(result, "new").Share);
    }

    [Fact]
    public void Time_decay_measures_from_the_close_once_the_deal_is_closed()
    {
        // T = close = day 15: weights 2^-2 = 0.25 and 2^-1 = 0.5; the split is the same 1 : 2.
        var input = Deal(100.00m, "USD", T("old", 1, 1), T("new", 8, 2)) with { ClosedAt = Day0.AddDays(15) };

        var result = Compute(AttributionModels.TimeDecay, input);

        AssertCredits(result, ("new", 66.67m), ("old", 33.33m));
        Assert.Equal(0.25m, Assert.Single(Credit(result, "old").Touches).Weight);
        Assert.Equal(0.5m, Assert.Single(Credit(result, "new").Touches).Weight);
    }

    [Fact]
    public void Time_decay_uses_the_programs_half_life_and_fractions_of_a_day()
    {
        // H = 2 days; touches 3 days and 1 day before the latest: 2^-1.5 = 0.3535533906, 2^-0.5 = 0.7071067812, 1.
        // Total 2.0606601718; 1000 JPY × each / total = 171.572875…, 343.145750…, 485.281374…:
        // floors 171 + 343 + 485 = 999, the yen left goes to the largest remainder (171.57…).
        var settings = Defaults with { TimeDecayHalfLifeDays = 2m };
        var result = Compute(AttributionModels.TimeDecay, Deal(1000m, "JPY", T("a", 0, 1), T("b", 2, 2), T("c", 3, 3)), settings);

        AssertCredits(result, ("c", 485m), ("b", 343m), ("a", 172m));
        Assert.Equal(0.3535533906m, Assert.Single(Credit(result, "a").Touches).Weight);
        Assert.Equal(0.7071067812m, Assert.Single(Credit(result, "b").Touches).Weight);
        Assert.Equal(0.171573m, Credit(result, "a").Share);
    }

    [Fact]
    public void Time_decay_still_splits_touches_made_long_before_a_late_close()
    {
        // A year before the close with a half-day half-life every weight is below decimal's smallest step;
        // the split, which only depends on the ratio 1 : 2, is still made.
        var input = Deal(90.00m, "USD", T("a", 0, 1), T("b", 1, 2)) with { ClosedAt = Day0.AddDays(366) };

        var result = Compute(AttributionModels.TimeDecay, input, Defaults with { TimeDecayHalfLifeDays = 1m });

        AssertCredits(result, ("b", 60.00m), ("a", 30.00m));
        Assert.All(result.Credits, c => Assert.Equal(0m, Assert.Single(c.Touches).Weight));
    }

    [Fact]
    public void Time_decay_refuses_a_half_life_that_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Compute(AttributionModels.TimeDecay, Deal(1m, "USD", T("a", 0, 1)), Defaults with { TimeDecayHalfLifeDays = 0m }));
    }

    // ---- role weighted ------------------------------------------------------------------------------

    [Fact]
    public void Role_weighted_uses_the_default_weights_3_2_2_1()
    {
        // 3 + 2 + 2 + 1 = 8 parts of 800.00.
        var result = Compute(
            AttributionModels.RoleWeighted,
            Deal(800.00m, "USD",
                T("s", 1, 1, TouchRoles.Sourced), T("r", 2, 2, TouchRoles.Referral),
                T("i", 3, 3, TouchRoles.Implementation), T("f", 4, 4, TouchRoles.Influenced)));

        AssertCredits(result, ("s", 300.00m), ("i", 200.00m), ("r", 200.00m), ("f", 100.00m));
        Assert.Equal(3m, Assert.Single(Credit(result, "s").Touches).Weight);
        Assert.Equal(0.375m, Credit(result, "s").Share);
        Assert.Equal(0.125m, Credit(result, "f").Share);
    }

    [Fact]
    public void Role_weighted_uses_the_programs_custom_weights()
    {
        // sourced 1, implementation 5, referral 0: 100 × 1/6 = 16.666…, 100 × 5/6 = 83.333…, 0.
        // Floors 16.66 + 83.33 = 99.99; the cent goes to the larger remainder, the sourced partner's.
        var settings = Defaults with
        {
            RoleWeights = new Dictionary<string, decimal>
            {
                [TouchRoles.Sourced] = 1,
                [TouchRoles.Referral] = 0,
                [TouchRoles.Implementation] = 5,
                [TouchRoles.Influenced] = 2,
            },
        };

        var result = Compute(
            AttributionModels.RoleWeighted,
            Deal(100.00m, "USD", T("s", 1, 1, TouchRoles.Sourced), T("i", 2, 2, TouchRoles.Implementation), T("r", 3, 3, TouchRoles.Referral)),
            settings);

        AssertCredits(result, ("i", 83.33m), ("s", 16.67m), ("r", 0.00m));
        Assert.Equal(0m, Credit(result, "r").Share);
    }

    [Fact]
    public void Role_weighted_with_only_zero_weighted_roles_has_no_credits()
    {
        var settings = Defaults with
        {
            RoleWeights = new Dictionary<string, decimal>
            {
                [TouchRoles.Sourced] = 1,
                [TouchRoles.Referral] = 0,
                [TouchRoles.Implementation] = 0,
                [TouchRoles.Influenced] = 0,
            },
        };

        var result = Compute(AttributionModels.RoleWeighted, Deal(100.00m, "USD", T("r", 1, 1, TouchRoles.Referral)), settings);

        Assert.Empty(result.Credits);
    }

    // ---- sourced ------------------------------------------------------------------------------------

    [Fact]
    public void The_approved_registrant_is_the_sourced_partner()
    {
        var input = Deal(100.00m, "USD", T("other", 1, 1, TouchRoles.Sourced), T("registrant", 2, 2, TouchRoles.Referral))
            with
        { ApprovedRegistrant = "registrant" };

        var result = Compute(AttributionModels.Linear, input);

        Assert.True(Credit(result, "registrant").Sourced);
        Assert.False(Credit(result, "other").Sourced);
    }

    [Fact]
    public void Without_an_approved_registrant_the_earliest_sourced_touch_is_the_sourced_partner()
    {
        var input = Deal(100.00m, "USD",
            T("influencer", 1, 1, TouchRoles.Influenced), T("first-source", 2, 2, TouchRoles.Sourced), T("second-source", 3, 3, TouchRoles.Sourced));

        var result = Compute(AttributionModels.Linear, input);

        Assert.Equal(["first-source"], result.Credits.Where(c => c.Sourced).Select(c => c.PartnerId));
    }

    [Fact]
    public void An_approved_registrant_without_a_counted_touch_leaves_sourced_to_the_earliest_sourced_touch()
    {
        var input = Deal(100.00m, "USD", T("source", 1, 1, TouchRoles.Sourced), T("registrant", 9, 2, TouchRoles.Sourced))
            with
        { ApprovedRegistrant = "registrant", ClosedAt = Day0.AddDays(5) };

        var result = Compute(AttributionModels.Linear, input);

        Assert.True(Assert.Single(result.Credits).Sourced);
        Assert.Equal("source", result.Credits[0].PartnerId);
    }

    [Fact]
    public void Nobody_is_sourced_without_a_registrant_or_a_sourced_touch()
    {
        var result = Compute(AttributionModels.Linear, Deal(100.00m, "USD", T("a", 1, 1, TouchRoles.Referral)));

        Assert.False(Assert.Single(result.Credits).Sourced);
    }

    [Fact]
    public void The_approved_registrant_is_sourced_even_when_its_model_weight_is_zero()
    {
        var input = Deal(100.00m, "USD", T("registrant", 1, 1, TouchRoles.Sourced), T("closer", 2, 2, TouchRoles.Referral))
            with
        { ApprovedRegistrant = "registrant" };

        var result = Compute(AttributionModels.LastTouch, input);

        AssertCredits(result, ("closer", 100.00m), ("registrant", 0.00m));
        Assert.True(Credit(result, "registrant").Sourced);
    }

    // ---- errors and conveniences ----------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("Linear")]
    [InlineData("w_shaped")]
    public void An_unknown_model_is_refused(string model)
    {
        var error = Assert.Throws<ArgumentException>(() => Compute(model, Deal(1m, "USD", T("a", 1, 1))));
        Assert.Equal("model", error.ParamName);
    }

    [Fact]
    public void An_unknown_currency_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => Compute(AttributionModels.Linear, Deal(1m, "XYZ", T("a", 1, 1))));
    }

    [Fact]
    public void A_negative_amount_is_split_like_its_absolute_value_and_negated()
    {
        var result = Compute(AttributionModels.Linear, Deal(-100.00m, "USD", T("c", 1, 1), T("b", 2, 2), T("a", 3, 3)));

        Assert.Equal([("b", -33.33m), ("c", -33.33m), ("a", -33.34m)], result.Credits.Select(c => (c.PartnerId, c.Amount)));
        Assert.Equal(-100.00m, result.Credits.Sum(c => c.Amount));
    }

    [Fact]
    public void Compute_all_gives_one_result_per_model()
    {
        var all = AttributionCalculator.ComputeAll(Deal(100.00m, "USD", T("a", 1, 1), T("b", 2, 2)), Defaults);

        Assert.Equal(AttributionModels.All.Order(StringComparer.Ordinal), all.Keys.Order(StringComparer.Ordinal));
        Assert.All(all, kv => Assert.Equal(kv.Key, kv.Value.Model));
    }

    [Fact]
    public void Results_compare_by_value_including_their_touches()
    {
        var input = Deal(100.00m, "USD", T("a", 1, 1), T("b", 2, 2));
        var copy = input with { Touches = input.Touches.ToList() };

        Assert.Equal(Compute(AttributionModels.TimeDecay, input), Compute(AttributionModels.TimeDecay, copy));
        Assert.NotEqual(Compute(AttributionModels.TimeDecay, input), Compute(AttributionModels.Linear, input) with { Model = AttributionModels.TimeDecay });
    }
}
