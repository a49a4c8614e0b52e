using System.Globalization;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests;

public class ProgramSettingsTests
{
    private static readonly ProgramSettings Default = ProgramSettings.Default;

    /// <summary>Asserts the settings fail validation with exactly one key, <paramref name="key"/>, and returns its messages.</summary>
    private static string[] SingleError(ProgramSettings settings, string key)
    {
        var errors = settings.Validate();

        Assert.Equal([key], errors.Keys);
        Assert.NotEmpty(errors[key]);
        Assert.All(errors[key], message => Assert.False(string.IsNullOrWhiteSpace(message)));
        return errors[key];
    }

    private static Dictionary<string, decimal> DefaultRoleWeights() => new(Default.Attribution.RoleWeights, StringComparer.Ordinal);

    private static Dictionary<string, decimal> DefaultHealthWeights() => new(Default.Health.Weights, StringComparer.Ordinal);

    private static ProgramSettings WithRoleWeights(Dictionary<string, decimal> weights) =>
        Default with { Attribution = Default.Attribution with { RoleWeights = weights } };

    private static ProgramSettings WithHealthWeights(Dictionary<string, decimal> weights) =>
        Default with { Health = Default.Health with { Weights = weights } };

    private static ProgramSettings WithTiers(params TierLevel[] levels) =>
        Default with { Tiers = Default.Tiers with { Levels = levels } };

    // ---- The defaults --------------------------------------------------------------------------

    [Fact]
    public void The_default_program_validates_with_no_errors()
    {
        Assert.Empty(Default.Validate());
    }

    [Fact]
    public void A_freshly_constructed_program_equals_the_default_in_every_knob()
    {
        var fresh = new ProgramSettings();

        Assert.Empty(fresh.Validate());
        Assert.Equal(Default.Attribution.DefaultModel, fresh.Attribution.DefaultModel);
        Assert.Equal(Default.Registration, fresh.Registration);
        Assert.Equal(Default.ReportingCurrency, fresh.ReportingCurrency);
    }

    [Fact]
    public void The_defaults_are_those_of_the_contract()
    {
        Assert.Equal(AttributionModels.PositionBased, Default.Attribution.DefaultModel);
        Assert.Equal(7m, Default.Attribution.TimeDecayHalfLifeDays);
        Assert.Equal(3m, Default.Attribution.RoleWeights[TouchRoles.Sourced]);
        Assert.Equal(2m, Default.Attribution.RoleWeights[TouchRoles.Referral]);
        Assert.Equal(2m, Default.Attribution.RoleWeights[TouchRoles.Implementation]);
        Assert.Equal(1m, Default.Attribution.RoleWeights[TouchRoles.Influenced]);
        Assert.Equal(90, Default.Registration.ProtectionWindowDays);
        Assert.True(Default.Registration.AutoApprove);
        Assert.Equal(4 * 3600, Default.Routing.OfferTimeoutSeconds);
        Assert.Equal(3, Default.Routing.MaxOffersPerLead);
        Assert.Equal("USD", Default.ReportingCurrency);
        Assert.Empty(Default.FxRates);
    }

    [Fact]
    public void The_default_health_weights_sum_to_100_and_cover_every_component()
    {
        Assert.Equal(100m, Default.Health.Weights.Values.Sum());
        Assert.Equal(HealthComponents.All.Order(StringComparer.Ordinal), Default.Health.Weights.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_default_tiers_climb_from_registered_to_platinum()
    {
        Assert.Equal(["registered", "silver", "gold", "platinum"], Default.Tiers.Levels.Select(t => t.Name));
    }

    [Theory]
    [InlineData(AttributionModels.FirstTouch)]
    [InlineData(AttributionModels.LastTouch)]
    [InlineData(AttributionModels.Linear)]
    [InlineData(AttributionModels.TimeDecay)]
    [InlineData(AttributionModels.PositionBased)]
    [InlineData(AttributionModels.RoleWeighted)]
    public void Every_attribution_model_of_the_contract_is_a_valid_default(string model)
    {
        Assert.Empty((Default with { Attribution = Default.Attribution with { DefaultModel = model } }).Validate());
    }

    // ---- Attribution ---------------------------------------------------------------------------

    [Theory]
    [InlineData("w_shaped")]
    [InlineData("Linear")]
    [InlineData("")]
    public void An_unknown_default_model_is_an_error_under_attribution_default_model(string model)
    {
        SingleError(Default with { Attribution = Default.Attribution with { DefaultModel = model } }, "attribution.defaultModel");
    }

    [Fact]
    public void A_missing_default_model_is_an_error_under_attribution_default_model()
    {
        SingleError(Default with { Attribution = Default.Attribution with { DefaultModel = null! } }, "attribution.defaultModel");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3651)]
    public void A_half_life_of_zero_or_out_of_range_is_an_error_under_its_key(int days)
    {
        SingleError(Default with { Attribution = Default.Attribution with { TimeDecayHalfLifeDays = days } }, "attribution.timeDecayHalfLifeDays");
    }

    [Fact]
    public void A_fractional_half_life_is_valid()
    {
        Assert.Empty((Default with { Attribution = Default.Attribution with { TimeDecayHalfLifeDays = 0.5m } }).Validate());
    }

    [Theory]
    [InlineData(TouchRoles.Sourced)]
    [InlineData(TouchRoles.Referral)]
    [InlineData(TouchRoles.Implementation)]
    [InlineData(TouchRoles.Influenced)]
    public void A_missing_role_weight_is_an_error_under_that_role(string role)
    {
        var weights = DefaultRoleWeights();
        weights.Remove(role);

        var messages = SingleError(WithRoleWeights(weights), $"attribution.roleWeights.{role}");

        Assert.Contains(messages, m => m.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_negative_role_weight_is_an_error_under_that_role()
    {
        var weights = DefaultRoleWeights();
        weights[TouchRoles.Influenced] = -1;

        SingleError(WithRoleWeights(weights), "attribution.roleWeights.influenced");
    }

    [Fact]
    public void A_role_weight_over_1000_is_an_error_under_that_role()
    {
        var weights = DefaultRoleWeights();
        weights[TouchRoles.Sourced] = 1001;

        SingleError(WithRoleWeights(weights), "attribution.roleWeights.sourced");
    }

    [Fact]
    public void A_zero_weight_for_one_role_is_valid()
    {
        var weights = DefaultRoleWeights();
        weights[TouchRoles.Influenced] = 0;

        Assert.Empty(WithRoleWeights(weights).Validate());
    }

    [Fact]
    public void All_role_weights_zero_is_an_error_under_role_weights()
    {
        var weights = TouchRoles.All.ToDictionary(r => r, _ => 0m, StringComparer.Ordinal);

        SingleError(WithRoleWeights(weights), "attribution.roleWeights");
    }

    [Fact]
    public void A_weight_for_a_role_that_does_not_exist_is_an_error_under_that_name()
    {
        var weights = DefaultRoleWeights();
        weights["owner"] = 5;

        var messages = SingleError(WithRoleWeights(weights), "attribution.roleWeights.owner");

        Assert.Contains(messages, m => m.Contains("not a touch role", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_role_weights_altogether_is_an_error_under_role_weights()
    {
        SingleError(Default with { Attribution = Default.Attribution with { RoleWeights = null! } }, "attribution.roleWeights");
    }

    [Fact]
    public void A_missing_attribution_section_is_an_error_under_attribution()
    {
        SingleError(Default with { Attribution = null! }, "attribution");
    }

    // ---- Registration and routing --------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(3651)]
    public void A_protection_window_of_zero_or_out_of_range_is_an_error_under_its_key(int days)
    {
        SingleError(Default with { Registration = Default.Registration with { ProtectionWindowDays = days } }, "registration.protectionWindowDays");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3650)]
    public void A_protection_window_at_either_limit_is_valid(int days)
    {
        Assert.Empty((Default with { Registration = Default.Registration with { ProtectionWindowDays = days } }).Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((30 * 24 * 3600) + 1)]
    public void An_offer_timeout_of_zero_or_over_30_days_is_an_error_under_its_key(int seconds)
    {
        SingleError(Default with { Routing = Default.Routing with { OfferTimeoutSeconds = seconds } }, "routing.offerTimeoutSeconds");
    }

    [Fact]
    public void An_offer_timeout_of_one_second_is_valid_so_tests_can_expire_offers_quickly()
    {
        Assert.Empty((Default with { Routing = Default.Routing with { OfferTimeoutSeconds = 1 } }).Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void A_maximum_of_zero_or_over_100_offers_is_an_error_under_its_key(int max)
    {
        SingleError(Default with { Routing = Default.Routing with { MaxOffersPerLead = max } }, "routing.maxOffersPerLead");
    }

    [Fact]
    public void Negative_or_all_zero_routing_score_weights_are_an_error_under_score_weights()
    {
        var negative = new Dictionary<string, decimal>(Default.Routing.ScoreWeights, StringComparer.Ordinal) { ["load"] = -10 };
        var zero = Default.Routing.ScoreWeights.Keys.ToDictionary(k => k, _ => 0m, StringComparer.Ordinal);

        SingleError(Default with { Routing = Default.Routing with { ScoreWeights = negative } }, "routing.scoreWeights");
        SingleError(Default with { Routing = Default.Routing with { ScoreWeights = zero } }, "routing.scoreWeights");
    }

    // ---- Tiers -----------------------------------------------------------------------------------

    [Fact]
    public void Tier_thresholds_that_decrease_are_an_error_under_the_lower_tier()
    {
        var levels = Default.Tiers.Levels.ToArray();
        levels[2] = levels[2] with { MinSourcedRevenue = levels[1].MinSourcedRevenue - 1 };

        var messages = SingleError(WithTiers(levels), "tiers.levels[2]");

        Assert.Contains(messages, m => m.Contains("tier before", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("certifications")]
    [InlineData("wonDeals")]
    [InlineData("health")]
    public void Any_threshold_falling_below_the_previous_tier_is_an_error(string threshold)
    {
        var levels = Default.Tiers.Levels.ToArray();
        var silver = levels[1];
        levels[3] = threshold switch
        {
            "certifications" => levels[3] with { MinCertifications = silver.MinCertifications },
            "wonDeals" => levels[3] with { MinWonDeals = silver.MinWonDeals },
            _ => levels[3] with { MinHealth = silver.MinHealth },
        };

        SingleError(WithTiers(levels), "tiers.levels[3]");
    }

    [Fact]
    public void Equal_thresholds_on_consecutive_tiers_are_valid()
    {
        Assert.Empty(WithTiers(new TierLevel { Name = "a", MinWonDeals = 1 }, new TierLevel { Name = "b", MinWonDeals = 1 }).Validate());
    }

    [Fact]
    public void Duplicate_tier_names_are_an_error_under_the_repeated_name()
    {
        var levels = Default.Tiers.Levels.ToArray();
        levels[2] = levels[2] with { Name = "silver" };

        SingleError(WithTiers(levels), "tiers.levels[2].name");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_tier_name_is_an_error_under_that_name(string name)
    {
        var levels = Default.Tiers.Levels.ToArray();
        levels[0] = levels[0] with { Name = name };

        SingleError(WithTiers(levels), "tiers.levels[0].name");
    }

    [Fact]
    public void A_tier_name_over_50_characters_is_an_error()
    {
        var levels = Default.Tiers.Levels.ToArray();
        levels[3] = levels[3] with { Name = new string('p', 51) };

        SingleError(WithTiers(levels), "tiers.levels[3].name");
    }

    [Fact]
    public void A_minimum_health_over_100_is_an_error_under_that_tier()
    {
        var levels = Default.Tiers.Levels.ToArray();
        levels[3] = levels[3] with { MinHealth = 101 };

        SingleError(WithTiers(levels), "tiers.levels[3]");
    }

    [Fact]
    public void No_tiers_at_all_is_an_error_under_tier_levels()
    {
        SingleError(WithTiers(), "tiers.levels");
    }

    // ---- Health ----------------------------------------------------------------------------------

    [Theory]
    [InlineData(30)]
    [InlineData(20)]
    public void Health_weights_that_do_not_sum_to_100_are_an_error_under_health_weights(int engagement)
    {
        var weights = DefaultHealthWeights();
        weights[HealthComponents.Engagement] = engagement;

        var messages = SingleError(WithHealthWeights(weights), "health.weights");

        Assert.Contains(messages, m => m.Contains("100", StringComparison.Ordinal));
    }

    [Fact]
    public void Health_weights_may_be_redistributed_as_long_as_they_sum_to_100()
    {
        var weights = DefaultHealthWeights();
        weights[HealthComponents.Engagement] = 20;
        weights[HealthComponents.Satisfaction] = 15;

        Assert.Empty(WithHealthWeights(weights).Validate());
    }

    [Fact]
    public void A_missing_health_component_is_an_error_under_that_component()
    {
        var weights = DefaultHealthWeights();
        weights.Remove(HealthComponents.Satisfaction);
        weights[HealthComponents.Engagement] += 10;

        SingleError(WithHealthWeights(weights), "health.weights.satisfaction");
    }

    [Fact]
    public void A_negative_health_weight_is_an_error_under_that_component()
    {
        var weights = DefaultHealthWeights();
        weights[HealthComponents.WinRate] = -5;
        weights[HealthComponents.Engagement] += 25;

        SingleError(WithHealthWeights(weights), "health.weights.winRate");
    }

    [Fact]
    public void An_unknown_health_component_is_an_error_under_that_name()
    {
        var weights = DefaultHealthWeights();
        weights["vibes"] = 0;

        SingleError(WithHealthWeights(weights), "health.weights.vibes");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void An_at_risk_threshold_outside_0_to_100_is_an_error_under_its_key(int threshold)
    {
        SingleError(Default with { Health = Default.Health with { AtRiskThreshold = threshold } }, "health.atRiskThreshold");
    }

    // ---- Money -----------------------------------------------------------------------------------

    [Theory]
    [InlineData("XYZ")]
    [InlineData("usd")]
    [InlineData("")]
    public void An_unknown_reporting_currency_is_an_error_under_reporting_currency(string currency)
    {
        SingleError(Default with { ReportingCurrency = currency }, "reportingCurrency");
    }

    [Fact]
    public void A_missing_reporting_currency_is_an_error_under_reporting_currency()
    {
        SingleError(Default with { ReportingCurrency = null! }, "reportingCurrency");
    }

    [Fact]
    public void A_supported_reporting_currency_other_than_usd_is_valid()
    {
        Assert.Empty((Default with { ReportingCurrency = "EUR" }).Validate());
    }

    [Fact]
    public void Valid_fx_rates_pass()
    {
        FxRate[] rates =
        [
            new() { Currency = "EUR", Rate = 1.08m, ValidFrom = new DateOnly(2026, 1, 1) },
            new() { Currency = "EUR", Rate = 1.10m, ValidFrom = new DateOnly(2026, 7, 1) },
            new() { Currency = "JPY", Rate = 0.0067m, ValidFrom = new DateOnly(2026, 1, 1) },
        ];

        Assert.Empty((Default with { FxRates = rates }).Validate());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1.08")]
    public void An_fx_rate_of_zero_or_less_is_an_error_under_that_rate(string rate)
    {
        FxRate[] rates = [new() { Currency = "EUR", Rate = decimal.Parse(rate, CultureInfo.InvariantCulture), ValidFrom = new DateOnly(2026, 1, 1) }];

        SingleError(Default with { FxRates = rates }, "fxRates[0].rate");
    }

    [Fact]
    public void A_duplicate_fx_rate_for_the_same_currency_and_date_is_an_error_under_the_second_rate()
    {
        FxRate[] rates =
        [
            new() { Currency = "EUR", Rate = 1.08m, ValidFrom = new DateOnly(2026, 1, 1) },
            new() { Currency = "GBP", Rate = 1.27m, ValidFrom = new DateOnly(2026, 1, 1) },
            new() { Currency = "EUR", Rate = 1.09m, ValidFrom = new DateOnly(2026, 1, 1) },
        ];

        var messages = SingleError(Default with { FxRates = rates }, "fxRates[2]");

        Assert.Contains(messages, m => m.Contains("duplicates", StringComparison.Ordinal));
    }

    [Fact]
    public void An_fx_rate_in_an_unknown_currency_is_an_error_under_its_currency()
    {
        FxRate[] rates = [new() { Currency = "XYZ", Rate = 1m, ValidFrom = new DateOnly(2026, 1, 1) }];

        SingleError(Default with { FxRates = rates }, "fxRates[0].currency");
    }

    [Fact]
    public void Missing_fx_rates_are_an_error_but_an_empty_list_is_not()
    {
        SingleError(Default with { FxRates = null! }, "fxRates");
        Assert.Empty((Default with { FxRates = [] }).Validate());
    }

    // ---- The document as a whole -----------------------------------------------------------------

    [Fact]
    public void Every_problem_of_the_document_is_reported_at_once()
    {
        var broken = Default with
        {
            Attribution = Default.Attribution with { DefaultModel = "nope", TimeDecayHalfLifeDays = 0 },
            Registration = Default.Registration with { ProtectionWindowDays = 0 },
            Routing = Default.Routing with { OfferTimeoutSeconds = 0, MaxOffersPerLead = 0 },
            ReportingCurrency = "XYZ",
        };

        var errors = broken.Validate();

        string[] expected =
        [
            "attribution.defaultModel", "attribution.timeDecayHalfLifeDays", "registration.protectionWindowDays",
            "routing.maxOffersPerLead", "routing.offerTimeoutSeconds", "reportingCurrency",
        ];
        Assert.Equal(
            expected.Order(StringComparer.Ordinal),
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
