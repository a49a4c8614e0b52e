using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;
using Ecosystem.Domain.Money;

namespace Ecosystem.Domain.Program;

/// <summary>
/// The partner program: every knob the channel team turns. Replaced as a whole by
/// <c>PUT /api/program</c> and validated as a whole by <see cref="Validate"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.ProgramSettings")]
public sealed record ProgramSettings
{
    [Id(0)] public AttributionSettings Attribution { get; init; } = new();
    [Id(1)] public RegistrationSettings Registration { get; init; } = new();
    [Id(2)] public RoutingSettings Routing { get; init; } = new();
    [Id(3)] public TierSettings Tiers { get; init; } = new();
    [Id(4)] public HealthSettings Health { get; init; } = new();
    [Id(5)] public string ReportingCurrency { get; init; } = "USD";
    [Id(6)] public IReadOnlyList<FxRate> FxRates { get; init; } = [];
    [Id(7)] public IntegrationSettings Integrations { get; init; } = new();

    public static ProgramSettings Default { get; } = new();

    /// <summary>Every problem of the document, keyed by the JSON path of the field.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        if (Attribution is null)
        {
            Add("attribution", "is required");
        }
        else
        {
            if (!AttributionModels.All.Contains(Attribution.DefaultModel ?? ""))
            {
                Add("attribution.defaultModel", $"must be one of {string.Join(", ", AttributionModels.All)}");
            }

            if (Attribution.TimeDecayHalfLifeDays is <= 0 or > 3650)
            {
                Add("attribution.timeDecayHalfLifeDays", "must be more than 0 and at most 3650");
            }

            if (Attribution.RoleWeights is null)
            {
                Add("attribution.roleWeights", "is required");
            }
            else
            {
                foreach (var role in TouchRoles.All)
                {
                    if (!Attribution.RoleWeights.TryGetValue(role, out var w))
                    {
                        Add($"attribution.roleWeights.{role}", "is required");
                    }
                    else if (w < 0 || w > 1000)
                    {
                        Add($"attribution.roleWeights.{role}", "must be from 0 to 1000");
                    }
                }

                foreach (var role in Attribution.RoleWeights.Keys.Where(k => !TouchRoles.All.Contains(k)))
                {
                    Add($"attribution.roleWeights.{role}", "is not a touch role");
                }

                if (Attribution.RoleWeights.Values.All(w => w == 0))
                {
                    Add("attribution.roleWeights", "at least one weight must be positive");
                }
            }
        }

        if (Registration is null)
        {
            Add("registration", "is required");
        }
        else if (Registration.ProtectionWindowDays * 86_400m < 1 || Registration.ProtectionWindowDays > 3650)
        {
            Add("registration.protectionWindowDays", "must be from one second (0.0000116) to 3650 days");
        }

        if (Routing is null)
        {
            Add("routing", "is required");
        }
        else
        {
            if (Routing.OfferTimeoutSeconds is < 1 or > 30 * 24 * 3600)
            {
                Add("routing.offerTimeoutSeconds", "must be from 1 second to 30 days");
            }

            if (Routing.MaxOffersPerLead is < 1 or > 100)
            {
                Add("routing.maxOffersPerLead", "must be from 1 to 100");
            }

            if (Routing.ScoreWeights is null || Routing.ScoreWeights.Values.Any(w => w < 0) || Routing.ScoreWeights.Values.Sum() <= 0)
            {
                Add("routing.scoreWeights", "must be non-negative and not all zero");
            }
        }

        if (Tiers is null || Tiers.Levels is null || Tiers.Levels.Count == 0)
        {
            Add("tiers.levels", "at least one tier is required");
        }
        else
        {
            if (Tiers.DemotionGraceDays is < 0 or > 365)
            {
                Add("tiers.demotionGraceDays", "must be from 0 to 365");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < Tiers.Levels.Count; i++)
            {
                var t = Tiers.Levels[i];
                if (string.IsNullOrWhiteSpace(t.Name) || t.Name.Length > 50 || !names.Add(t.Name))
                {
                    Add($"tiers.levels[{i}].name", "must be a unique name of 1-50 characters");
                }

                if (t.MinSourcedRevenue < 0 || t.MinCertifications < 0 || t.MinWonDeals < 0 || t.MinHealth is < 0 or > 100)
                {
                    Add($"tiers.levels[{i}]", "thresholds must be non-negative (minHealth at most 100)");
                }

                if (i > 0)
                {
                    var prev = Tiers.Levels[i - 1];
                    if (t.MinSourcedRevenue < prev.MinSourcedRevenue || t.MinCertifications < prev.MinCertifications
                        || t.MinWonDeals < prev.MinWonDeals || t.MinHealth < prev.MinHealth)
                    {
                        Add($"tiers.levels[{i}]", "thresholds must not fall below those of the tier before it");
                    }
                }
            }
        }

        if (Health is null || Health.Weights is null)
        {
            Add("health.weights", "is required");
        }
        else
        {
            foreach (var name in HealthComponents.All)
            {
                if (!Health.Weights.TryGetValue(name, out var w) || w < 0)
                {
                    Add($"health.weights.{name}", "is required and must not be negative");
                }
            }

            foreach (var name in Health.Weights.Keys.Where(k => !HealthComponents.All.Contains(k)))
            {
                Add($"health.weights.{name}", "is not a health component");
            }

            if (Health.Weights.Values.Sum() != 100)
            {
                Add("health.weights", "must sum to 100");
            }

            if (Health.AtRiskThreshold is < 0 or > 100)
            {
                Add("health.atRiskThreshold", "must be from 0 to 100");
            }
        }

        if (ReportingCurrency is null || !Currencies.IsKnown(ReportingCurrency))
        {
            Add("reportingCurrency", "must be a supported ISO-4217 code");
        }

        if (FxRates is null)
        {
            Add("fxRates", "must be an array (it may be empty)");
        }
        else
        {
            var seen = new HashSet<(string, DateOnly)>();
            for (var i = 0; i < FxRates.Count; i++)
            {
                var r = FxRates[i];
                if (r is null || r.Currency is null || !Currencies.IsKnown(r.Currency))
                {
                    Add($"fxRates[{i}].currency", "must be a supported ISO-4217 code");
                    continue;
                }

                if (r.Rate <= 0)
                {
                    Add($"fxRates[{i}].rate", "must be positive");
                }

                if (!seen.Add((r.Currency, r.ValidFrom)))
                {
                    Add($"fxRates[{i}]", "duplicates another rate for the same currency and date");
                }
            }
        }

        if (Integrations is null)
        {
            Add("integrations", "is required");
        }
        else
        {
            foreach (var (key, messages) in Integrations.Validate("integrations"))
            {
                foreach (var message in messages)
                {
                    Add(key, message);
                }
            }
        }

        return errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}

[GenerateSerializer, Immutable, Alias("eco.AttributionSettings")]
public sealed record AttributionSettings
{
    [Id(0)] public string DefaultModel { get; init; } = AttributionModels.PositionBased;
    [Id(1)] public decimal TimeDecayHalfLifeDays { get; init; } = 7;
    [Id(2)] public IReadOnlyDictionary<string, decimal> RoleWeights { get; init; } = new Dictionary<string, decimal>
    {
        [TouchRoles.Sourced] = 3, [TouchRoles.Referral] = 2, [TouchRoles.Implementation] = 2, [TouchRoles.Influenced] = 1,
    };
}

public static class AttributionModels
{
    public const string FirstTouch = "first_touch";
    public const string LastTouch = "last_touch";
    public const string Linear = "linear";
    public const string TimeDecay = "time_decay";
    public const string PositionBased = "position_based";
    public const string RoleWeighted = "role_weighted";
    public static readonly IReadOnlyList<string> All = [FirstTouch, LastTouch, Linear, TimeDecay, PositionBased, RoleWeighted];
}

[GenerateSerializer, Immutable, Alias("eco.RegistrationSettings")]
public sealed record RegistrationSettings
{
    /// <summary>Days; fractions allowed (down to a second) so that demos and tests can watch a registration expire.</summary>
    [Id(0)] public decimal ProtectionWindowDays { get; init; } = 90;
    [Id(1)] public bool AutoApprove { get; init; } = true;
}

[GenerateSerializer, Immutable, Alias("eco.RoutingSettings")]
public sealed record RoutingSettings
{
    [Id(0)] public int OfferTimeoutSeconds { get; init; } = 4 * 3600;
    [Id(1)] public int MaxOffersPerLead { get; init; } = 3;
    [Id(2)] public IReadOnlyDictionary<string, decimal> ScoreWeights { get; init; } = new Dictionary<string, decimal>
    {
        ["tier"] = 15, ["health"] = 25, ["winRate"] = 25, ["acceptanceRate"] = 15, ["responseSpeed"] = 10, ["load"] = 10,
    };
}

[GenerateSerializer, Immutable, Alias("eco.TierSettings")]
public sealed record TierSettings
{
    [Id(0)] public IReadOnlyList<TierLevel> Levels { get; init; } =
    [
        new() { Name = "registered" },
        new() { Name = "silver", MinSourcedRevenue = 50_000, MinCertifications = 1, MinWonDeals = 1, MinHealth = 40 },
        new() { Name = "gold", MinSourcedRevenue = 250_000, MinCertifications = 2, MinWonDeals = 5, MinHealth = 60 },
        new() { Name = "platinum", MinSourcedRevenue = 1_000_000, MinCertifications = 4, MinWonDeals = 15, MinHealth = 75 },
    ];

    [Id(1)] public int DemotionGraceDays { get; init; } = 30;
}

[GenerateSerializer, Immutable, Alias("eco.TierLevel")]
public sealed record TierLevel
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public decimal MinSourcedRevenue { get; init; }
    [Id(2)] public int MinCertifications { get; init; }
    [Id(3)] public int MinWonDeals { get; init; }
    [Id(4)] public int MinHealth { get; init; }
}

public static class HealthComponents
{
    public const string Engagement = "engagement";
    public const string LeadResponsiveness = "leadResponsiveness";
    public const string WinRate = "winRate";
    public const string Certifications = "certifications";
    public const string CustomerRetention = "customerRetention";
    public const string Satisfaction = "satisfaction";
    public static readonly IReadOnlyList<string> All = [Engagement, LeadResponsiveness, WinRate, Certifications, CustomerRetention, Satisfaction];
}

[GenerateSerializer, Immutable, Alias("eco.HealthSettings")]
public sealed record HealthSettings
{
    [Id(0)] public IReadOnlyDictionary<string, decimal> Weights { get; init; } = new Dictionary<string, decimal>
    {
        [HealthComponents.Engagement] = 25, [HealthComponents.LeadResponsiveness] = 15, [HealthComponents.WinRate] = 20,
        [HealthComponents.Certifications] = 15, [HealthComponents.CustomerRetention] = 15, [HealthComponents.Satisfaction] = 10,
    };

    [Id(1)] public int AtRiskThreshold { get; init; } = 40;
}

/// <summary>How many units of the reporting currency one unit of <see cref="Currency"/> buys, from <see cref="ValidFrom"/> on.</summary>
[GenerateSerializer, Immutable, Alias("eco.FxRate")]
public sealed record FxRate
{
    [Id(0)] public string Currency { get; init; } = "";
    [Id(1)] public decimal Rate { get; init; }
    [Id(2)] public DateOnly ValidFrom { get; init; }
}
