using BenchmarkDotNet.Attributes;
using Ecosystem.Domain.Attribution;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Program;

namespace Ecosystem.Benchmarks;

/// <summary>
/// Recomputing a deal's attribution: what a deal grain does on every accepted touch. A large deal: 1,000
/// touches by 50 partners, mixed roles, spread over a year, closed a week after the last touch.
/// Target: under 1 ms per recompute for every model.
/// </summary>
[MemoryDiagnoser]
public class AttributionBenchmarks
{
    private const int TouchCount = 1_000;
    private const int PartnerCount = 50;

    private AttributionInput input = null!;
    private readonly AttributionSettings settings = ProgramSettings.Default.Attribution;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = AttributionModels.PositionBased;

    public static IEnumerable<string> Models => AttributionModels.All;

    [GlobalSetup]
    public void Setup()
    {
        // Fixed seed: every run measures the same deal.
        var random = new Random(20_250_301);
        var roles = TouchRoles.All.Order(StringComparer.Ordinal).ToArray();
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var touches = new Touch[TouchCount];
        for (var i = 0; i < TouchCount; i++)
        {
            touches[i] = new Touch(
                $"partner-{random.Next(PartnerCount):D3}",
                roles[random.Next(roles.Length)],
                start.AddMinutes(random.Next(365 * 24 * 60)),
                Order: i);
        }

        var closedAt = touches.Max(t => t.At).AddDays(7);
        input = new AttributionInput(1_234_567.89m, "USD", touches, closedAt, ApprovedRegistrant: "partner-007");
    }

    [Benchmark]
    public AttributionResult Recompute() => AttributionCalculator.Compute(Model, input, settings);
}
