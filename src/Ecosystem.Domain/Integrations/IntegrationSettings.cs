namespace Ecosystem.Domain.Integrations;

/// <summary>The certification states of an integration, as the contract spells them.</summary>
public static class CertificationStatuses
{
    public const string Draft = "draft";
    public const string Certified = "certified";
    public const string Suspended = "suspended";
    public static readonly IReadOnlyList<string> All = [Draft, Certified, Suspended];
}

/// <summary>The components of an integration's quality score; also the keys of <c>integrations.qualityWeights</c>.</summary>
public static class QualityComponents
{
    public const string ValidationPassRate = "validationPassRate";
    public const string Latency = "latency";
    public const string ErrorRate = "errorRate";
    public const string UninstallRate = "uninstallRate";
    public const string Freshness = "freshness";
    public static readonly IReadOnlyList<string> All = [ValidationPassRate, Latency, ErrorRate, UninstallRate, Freshness];
}

/// <summary>
/// The program's rules for integrations: what certification requires (<see cref="RequiredSuites"/>,
/// <see cref="MaxP95LatencyMs"/>, <see cref="ErrorRateThreshold"/> over <see cref="ErrorWindowHours"/>) and how
/// quality is weighed. The <c>integrations</c> section of <c>PUT /api/program</c>; an omitted section, or an omitted
/// field of it, takes the default.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.IntegrationSettings")]
public sealed record IntegrationSettings
{
    /// <summary>Test suites whose latest run must pass for certification. Compared case-insensitively.</summary>
    // An array rather than a collection expression: the compiler's synthesized read-only list has no serializer.
    [Id(0)] public IReadOnlyList<string> RequiredSuites { get; init; } = new[] { "functional", "security" };

    /// <summary>The highest p95 latency, in milliseconds, that still certifies.</summary>
    [Id(1)] public decimal MaxP95LatencyMs { get; init; } = 1000;

    /// <summary>An error rate (errors / calls, a fraction 0-1) above this over the window suspends.</summary>
    [Id(2)] public decimal ErrorRateThreshold { get; init; } = 0.05m;

    /// <summary>Hours; fractions allowed (down to a second) so that demos and tests can watch an error spike clear.</summary>
    [Id(3)] public decimal ErrorWindowHours { get; init; } = 24;

    /// <summary>Days a validation stays fully fresh; after that its freshness falls linearly ...</summary>
    [Id(4)] public decimal ValidationFreshDays { get; init; } = 30;

    /// <summary>... to 0 at this age in days.</summary>
    [Id(5)] public decimal StaleAfterDays { get; init; } = 90;

    /// <summary>The weight of each quality component, summing to 100.</summary>
    [Id(6)] public IReadOnlyDictionary<string, decimal> QualityWeights { get; init; } = new Dictionary<string, decimal>
    {
        [QualityComponents.ValidationPassRate] = 30, [QualityComponents.Latency] = 20, [QualityComponents.ErrorRate] = 25,
        [QualityComponents.UninstallRate] = 10, [QualityComponents.Freshness] = 15,
    };

    public static IntegrationSettings Default { get; } = new();

    public const int MaxRequiredSuites = 20;
    public const int MaxSuiteNameLength = 100;

    /// <summary>The error window as a span (a method, not a property, so that it stays out of the program's JSON).</summary>
    public TimeSpan ErrorWindow() => TimeSpan.FromTicks((long)(Math.Clamp(ErrorWindowHours, 0, 720) * TimeSpan.TicksPerHour));

    /// <summary>Every problem of the section, keyed by the JSON path of the field under <paramref name="prefix"/>.</summary>
    public IReadOnlyDictionary<string, string[]> Validate(string prefix = "integrations")
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            key = $"{prefix}.{key}";
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        if (RequiredSuites is null || RequiredSuites.Count == 0)
        {
            Add("requiredSuites", "at least one suite is required");
        }
        else if (RequiredSuites.Count > MaxRequiredSuites)
        {
            Add("requiredSuites", $"at most {MaxRequiredSuites} suites");
        }
        else
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < RequiredSuites.Count; i++)
            {
                var suite = RequiredSuites[i];
                if (string.IsNullOrWhiteSpace(suite) || suite.Trim().Length > MaxSuiteNameLength || !names.Add(suite.Trim()))
                {
                    Add($"requiredSuites[{i}]", $"must be a unique suite name of 1-{MaxSuiteNameLength} characters");
                }
            }
        }

        if (MaxP95LatencyMs is <= 0 or > 600_000)
        {
            Add("maxP95LatencyMs", "must be more than 0 and at most 600000 (10 minutes)");
        }

        if (ErrorRateThreshold is < 0 or > 1)
        {
            Add("errorRateThreshold", "must be a fraction from 0 to 1");
        }

        if (ErrorWindowHours > 720 || ErrorWindowHours * 3600 < 1)
        {
            Add("errorWindowHours", "must be from one second (0.000278) to 720 hours");
        }

        if (ValidationFreshDays is < 0 or > 3650)
        {
            Add("validationFreshDays", "must be from 0 to 3650");
        }

        if (StaleAfterDays <= ValidationFreshDays || StaleAfterDays > 3650)
        {
            Add("staleAfterDays", "must be more than validationFreshDays and at most 3650");
        }

        if (QualityWeights is null)
        {
            Add("qualityWeights", "is required");
        }
        else
        {
            foreach (var name in QualityComponents.All)
            {
                if (!QualityWeights.TryGetValue(name, out var w) || w < 0)
                {
                    Add($"qualityWeights.{name}", "is required and must not be negative");
                }
            }

            foreach (var name in QualityWeights.Keys.Where(k => !QualityComponents.All.Contains(k)))
            {
                Add($"qualityWeights.{name}", "is not a quality component");
            }

            if (QualityWeights.Values.Sum() != 100)
            {
                Add("qualityWeights", "must sum to 100");
            }
        }

        return errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}
