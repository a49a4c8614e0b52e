using System.Text.Json;
using System.Text.Json.Serialization;
using Ecosystem.Domain.Integrations;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Integrations;

public class IntegrationSettingsTests
{
    private static readonly IntegrationSettings Default = IntegrationSettings.Default;

    // As the host reads PUT /api/program: web defaults (camelCase), unknown fields refused.
    private static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static string[] SingleError(IntegrationSettings settings, string key)
    {
        var errors = (ProgramSettings.Default with { Integrations = settings }).Validate();

        Assert.Equal([key], errors.Keys);
        Assert.All(errors[key], message => Assert.False(string.IsNullOrWhiteSpace(message)));
        return errors[key];
    }

    private static Dictionary<string, decimal> DefaultWeights() => new(Default.QualityWeights, StringComparer.Ordinal);

    [Fact]
    public void The_defaults_validate_and_are_the_documented_ones()
    {
        Assert.Empty(Default.Validate());
        Assert.Equal(["functional", "security"], Default.RequiredSuites);
        Assert.Equal(1000m, Default.MaxP95LatencyMs);
        Assert.Equal(0.05m, Default.ErrorRateThreshold);
        Assert.Equal(24m, Default.ErrorWindowHours);
        Assert.Equal(TimeSpan.FromHours(24), Default.ErrorWindow());
        Assert.Equal(30m, Default.ValidationFreshDays);
        Assert.Equal(90m, Default.StaleAfterDays);
    }

    [Fact]
    public void The_default_quality_weights_cover_every_component_and_sum_to_100()
    {
        Assert.Equal(100m, Default.QualityWeights.Values.Sum());
        Assert.Equal(QualityComponents.All.Order(StringComparer.Ordinal), Default.QualityWeights.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_program_carries_the_integration_section_with_its_defaults()
    {
        Assert.NotNull(ProgramSettings.Default.Integrations);
        Assert.Equal(Default.MaxP95LatencyMs, new ProgramSettings().Integrations.MaxP95LatencyMs);
        Assert.Empty(new ProgramSettings().Validate());
    }

    [Fact]
    public void A_missing_integration_section_is_an_error_under_integrations()
    {
        var errors = (ProgramSettings.Default with { Integrations = null! }).Validate();

        Assert.Equal(["integrations"], errors.Keys);
    }

    [Fact]
    public void No_required_suite_is_an_error_under_required_suites()
    {
        SingleError(Default with { RequiredSuites = [] }, "integrations.requiredSuites");
        SingleError(Default with { RequiredSuites = null! }, "integrations.requiredSuites");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("FUNCTIONAL")]
    public void A_blank_or_repeated_suite_is_an_error_under_that_suite(string suite)
    {
        SingleError(Default with { RequiredSuites = ["functional", suite] }, "integrations.requiredSuites[1]");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("600001")]
    public void A_latency_limit_of_zero_or_over_ten_minutes_is_an_error_under_its_key(string ms)
    {
        SingleError(Default with { MaxP95LatencyMs = decimal.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) }, "integrations.maxP95LatencyMs");
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("1.01")]
    public void An_error_rate_threshold_outside_0_to_1_is_an_error_under_its_key(string threshold)
    {
        SingleError(Default with { ErrorRateThreshold = decimal.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture) }, "integrations.errorRateThreshold");
    }

    [Fact]
    public void An_error_threshold_of_zero_is_valid_so_that_any_error_suspends()
    {
        Assert.Empty((Default with { ErrorRateThreshold = 0 }).Validate());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.0002")]
    [InlineData("721")]
    [InlineData("79228162514264337593543950335")]
    public void An_error_window_under_a_second_or_over_30_days_is_an_error_under_its_key(string hours)
    {
        SingleError(Default with { ErrorWindowHours = decimal.Parse(hours, System.Globalization.CultureInfo.InvariantCulture) }, "integrations.errorWindowHours");
    }

    [Fact]
    public void A_window_of_a_few_seconds_is_valid_so_tests_can_watch_a_spike_clear()
    {
        var settings = Default with { ErrorWindowHours = 5m / 3600 };

        Assert.Empty(settings.Validate());
        Assert.Equal(TimeSpan.FromSeconds(5), settings.ErrorWindow());
    }

    [Fact]
    public void Staleness_must_come_after_freshness_ends()
    {
        SingleError(Default with { ValidationFreshDays = 90, StaleAfterDays = 90 }, "integrations.staleAfterDays");
        SingleError(Default with { ValidationFreshDays = -1 }, "integrations.validationFreshDays");
        Assert.Empty((Default with { ValidationFreshDays = 0, StaleAfterDays = 0.5m }).Validate());
    }

    [Fact]
    public void Quality_weights_must_cover_every_component_be_known_and_sum_to_100()
    {
        var missing = DefaultWeights();
        missing.Remove(QualityComponents.Freshness);
        missing[QualityComponents.Latency] += 15;
        SingleError(Default with { QualityWeights = missing }, "integrations.qualityWeights.freshness");

        var unknown = DefaultWeights();
        unknown["popularity"] = 0;
        SingleError(Default with { QualityWeights = unknown }, "integrations.qualityWeights.popularity");

        var over = DefaultWeights();
        over[QualityComponents.Latency] += 1;
        SingleError(Default with { QualityWeights = over }, "integrations.qualityWeights");

        SingleError(Default with { QualityWeights = null! }, "integrations.qualityWeights");
    }

    // ---- JSON, as PUT and GET /api/program carry it ----------------------------------------------

    [Fact]
    public void A_program_document_without_integrations_takes_the_default_section()
    {
        var program = JsonSerializer.Deserialize<ProgramSettings>("""{"reportingCurrency":"EUR"}""", StrictJson)!;

        Assert.Empty(program.Validate());
        Assert.Equal(Default.RequiredSuites, program.Integrations.RequiredSuites);
        Assert.Equal(Default.ErrorWindowHours, program.Integrations.ErrorWindowHours);
    }

    [Fact]
    public void A_partial_integrations_section_keeps_the_defaults_of_the_fields_it_omits()
    {
        var program = JsonSerializer.Deserialize<ProgramSettings>(
            """{"integrations":{"maxP95LatencyMs":500,"requiredSuites":["functional"]}}""", StrictJson)!;

        Assert.Empty(program.Validate());
        Assert.Equal(500m, program.Integrations.MaxP95LatencyMs);
        Assert.Equal(["functional"], program.Integrations.RequiredSuites);
        Assert.Equal(0.05m, program.Integrations.ErrorRateThreshold);
        Assert.Equal(100m, program.Integrations.QualityWeights.Values.Sum());
    }

    [Fact]
    public void The_program_as_get_returns_it_can_be_put_back_unchanged()
    {
        var json = JsonSerializer.Serialize(ProgramSettings.Default, StrictJson);
        var back = JsonSerializer.Deserialize<ProgramSettings>(json, StrictJson)!;

        Assert.Contains("\"integrations\":{\"requiredSuites\":[\"functional\",\"security\"],\"maxP95LatencyMs\":1000,", json, StringComparison.Ordinal);
        Assert.Contains("\"qualityWeights\":{\"validationPassRate\":30,", json, StringComparison.Ordinal);
        Assert.Empty(back.Validate());
        Assert.Equal(json, JsonSerializer.Serialize(back, StrictJson));
    }

    [Fact]
    public void A_misspelt_integration_knob_is_refused_like_any_unknown_field()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ProgramSettings>("""{"integrations":{"maxP95Latency":500}}""", StrictJson));
    }
}
