using CsCheck;
using Ecosystem.Domain.Attribution;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Money;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Attribution;

/// <summary>Properties that hold for any deal, any currency and every model.</summary>
public class AttributionPropertyTests
{
    private const long Iterations = 400;
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] PartnerPool = ["p-a", "p-b", "p-c", "p-d", "p-e", "P-A", "p-10", "p-2"];
    private static readonly string[] Roles = TouchRoles.All.Order(StringComparer.Ordinal).ToArray();
    private static readonly string[] CurrencyCodes = ["USD", "JPY", "BHD"];
    private static readonly string[] Models = AttributionModels.All.ToArray();

    /// <summary>A moment within the year, on the hour, so that touches at the same instant happen.</summary>
    private static readonly Gen<DateTimeOffset> Moment =
        Gen.Select(Gen.Int[0, 364], Gen.Int[0, 3], (day, hour) => Start.AddDays(day).AddHours(hour * 6));

    private static readonly Gen<Touch[]> Touches =
        Gen.Int[1, 50].SelectMany(n =>
            Gen.Select(Gen.Int[0, PartnerPool.Length - 1], Gen.Int[0, Roles.Length - 1], Moment).Array[n]
                .Select(parts => parts.Select((t, i) => new Touch(PartnerPool[t.Item1], Roles[t.Item2], t.Item3, Order: 1_000 + (i * 7))).ToArray())
                .SelectMany(touches => Gen.Shuffle(touches)));

    private static readonly Gen<AttributionSettings> Settings =
        Gen.Select(
            Gen.OneOf(0.5m, 1m, 7m, 30m, 3650m),
            Gen.Int[0, 6].Array[Roles.Length],
            Gen.Bool,
            (halfLife, weights, fractional) => ProgramSettings.Default.Attribution with
            {
                TimeDecayHalfLifeDays = halfLife,
                RoleWeights = Roles.Select((r, i) => (r, w: fractional ? weights[i] / 3m : weights[i]))
                    .ToDictionary(x => x.r, x => x.w, StringComparer.Ordinal),
            });

    /// <summary>0 to 10^9 minor units, half of the time below 100 so that rounding decides most of the split.</summary>
    private static readonly Gen<long> MinorUnits = Gen.OneOf<long>(Gen.Long[0, 99], Gen.Long[0, 1_000_000_000]);

    private static readonly Gen<AttributionInput> Inputs =
        Gen.Select(
            MinorUnits,
            Gen.OneOf(CurrencyCodes),
            Touches,
            Gen.Select(Gen.Bool, Moment, (closed, at) => closed ? at : (DateTimeOffset?)null),
            Gen.Select(Gen.Int[0, 3], Gen.Int[0, PartnerPool.Length - 1], (coin, p) => coin == 0 ? PartnerPool[p] : null),
            (minorUnits, currency, touches, closedAt, registrant) =>
                new AttributionInput(ToAmount(minorUnits, currency), currency, touches, closedAt, registrant));

    private static readonly Gen<(string Model, AttributionInput Input, AttributionSettings Settings)> Cases =
        Gen.Select(Gen.OneOf(Models), Inputs, Settings);

    private static decimal ToAmount(long minorUnits, string currency) =>
        minorUnits * new decimal(1, 0, 0, false, (byte)Currencies.MinorUnitDigits(currency));

    private static bool IsWholeMinorUnits(decimal amount, string currency)
    {
        var units = amount * (decimal)Math.Pow(10, Currencies.MinorUnitDigits(currency));
        return units == decimal.Truncate(units);
    }

    [Fact]
    public void Credits_are_non_negative_whole_minor_units_that_sum_exactly_to_the_amount()
    {
        Cases.Sample((model, input, settings) =>
        {
            var result = AttributionCalculator.Compute(model, input, settings);

            Assert.Equal(input.Amount, result.Amount);
            Assert.All(result.Credits, c =>
            {
                Assert.True(c.Amount >= 0, $"{c.PartnerId}: {c.Amount}");
                Assert.True(IsWholeMinorUnits(c.Amount, input.Currency), $"{c.PartnerId}: {c.Amount} {input.Currency}");
                Assert.InRange(c.Share, 0m, 1m);
            });
            if (result.Credits.Count > 0)
            {
                Assert.Equal(input.Amount, result.Credits.Sum(c => c.Amount));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Every_partner_with_a_counted_touch_is_listed_once_with_exactly_its_counted_touches()
    {
        Cases.Sample((model, input, settings) =>
        {
            var result = AttributionCalculator.Compute(model, input, settings);
            var counted = input.Touches.Where(t => input.ClosedAt is null || t.At <= input.ClosedAt).ToList();
            if (result.Credits.Count == 0)
            {
                return;
            }

            Assert.Equal(
                counted.Select(t => t.PartnerId).Distinct().Order(StringComparer.Ordinal),
                result.Credits.Select(c => c.PartnerId).Order(StringComparer.Ordinal));
            Assert.Equal(counted.Count, result.Credits.Sum(c => c.Touches.Count));
            Assert.All(result.Credits, c => Assert.Equal(c.Touches.OrderBy(t => t.At), c.Touches));
            Assert.True(result.Credits.Count(c => c.Sourced) <= 1);
        }, iter: Iterations);
    }

    [Fact]
    public void Credits_are_ordered_by_amount_descending_then_partner_id()
    {
        Cases.Sample((model, input, settings) =>
        {
            var credits = AttributionCalculator.Compute(model, input, settings).Credits;

            Assert.Equal(credits.OrderByDescending(c => c.Amount).ThenBy(c => c.PartnerId, StringComparer.Ordinal), credits);
        }, iter: Iterations);
    }

    [Fact]
    public void A_partner_with_more_weight_never_gets_less_credit()
    {
        Cases.Sample((model, input, settings) =>
        {
            var credits = AttributionCalculator.Compute(model, input, settings).Credits;

            // Displayed weights are rounded to 10 places; pairs closer than that are not compared.
            foreach (var a in credits)
            {
                foreach (var b in credits)
                {
                    var weightA = a.Touches.Sum(t => t.Weight);
                    var weightB = b.Touches.Sum(t => t.Weight);
                    if (weightA > weightB + 1e-8m)
                    {
                        Assert.True(a.Amount >= b.Amount, $"{a.PartnerId} (weight {weightA}) got {a.Amount} < {b.PartnerId} (weight {weightB}) {b.Amount}");
                    }
                }
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_partner_without_weight_gets_nothing()
    {
        Cases.Sample((model, input, settings) =>
        {
            var credits = AttributionCalculator.Compute(model, input, settings).Credits;

            // Exact zeros only: first/last-touch losers and zero-weighted roles (time decay never reaches 0 here).
            Assert.All(credits.Where(c => c.Touches.All(t => t.Weight == 0) && model != AttributionModels.TimeDecay), c => Assert.Equal(0m, c.Amount));
        }, iter: Iterations);
    }

    [Fact]
    public void Linear_credits_do_not_depend_on_the_order_or_the_times_of_the_touches()
    {
        var linearCases = Gen.Select(Inputs, Gen.Int, Settings);
        linearCases.Sample((input, seed, settings) =>
        {
            var open = input with { ClosedAt = null };

            // Reassign who made which touch: the same touches per partner, at other times and orders.
            var random = new Random(seed);
            var slots = open.Touches.Select(t => (t.At, t.Order)).OrderBy(_ => random.Next()).ToArray();
            var reassigned = open.Touches.Select((t, i) => t with { At = slots[i].At, Order = slots[i].Order })
                .OrderBy(_ => random.Next()).ToArray();

            var before = AttributionCalculator.Compute(AttributionModels.Linear, open, settings);
            var after = AttributionCalculator.Compute(AttributionModels.Linear, open with { Touches = reassigned }, settings);

            Assert.Equal(
                before.Credits.Select(c => (c.PartnerId, c.Amount, c.Share)),
                after.Credits.Select(c => (c.PartnerId, c.Amount, c.Share)));
        }, iter: Iterations);
    }

    [Fact]
    public void No_model_depends_on_the_order_in_which_the_touches_are_listed()
    {
        Gen.Select(Cases, Gen.Int).Sample((c, seed) =>
        {
            var random = new Random(seed);
            var shuffled = c.Input with { Touches = c.Input.Touches.OrderBy(_ => random.Next()).ToArray() };

            Assert.Equal(
                AttributionCalculator.Compute(c.Model, c.Input, c.Settings),
                AttributionCalculator.Compute(c.Model, shuffled, c.Settings));
        }, iter: Iterations);
    }

    [Fact]
    public void The_same_input_always_gives_the_same_result()
    {
        Cases.Sample((model, input, settings) =>
        {
            var first = AttributionCalculator.Compute(model, input, settings);
            var copy = input with { Touches = input.Touches.Select(t => t with { }).ToList() };
            var second = AttributionCalculator.Compute(model, copy, settings);

            Assert.Equal(first, second);
        }, iter: Iterations);
    }
}
