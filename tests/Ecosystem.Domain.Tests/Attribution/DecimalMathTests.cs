using Ecosystem.Domain.Attribution;

namespace Ecosystem.Domain.Tests.Attribution;

public class DecimalMathTests
{
    // Reference values computed to 50 digits with Python's decimal module: (-e·ln 2).exp().
    [Theory]
    [InlineData("0.5", "0.70710678118654752440084436210484903928483593768847")]
    [InlineData("0.0078125", "0.99459942348363317565247768622216631445823144434309")]
    [InlineData("0.015625", "0.98922801319397548412912495906558366777467433538499")]
    [InlineData("0.999999", "0.50000034657371039325388631811370351518865975594861")]
    [InlineData("1.5", "0.35355339059327376220042218105242451964241796884423")]
    [InlineData("2.75", "0.14865088937534013333968749632005948941162151155798")]
    [InlineData("3.3333333333333333333333333333", "0.099212565748012467171981602456811563281946767762107")]
    [InlineData("0.1428571428571428571428571429", "0.90572366426390667159417287318819748180397662114516")]
    [InlineData("10.123456789", "0.00089647017761964474868141132070088008377785560358746")]
    [InlineData("20.5", "0.00000067434957617430450859150348864064124992831796425690")]
    [InlineData("40.25", "0.00000000000076479083441310153196457165561988849280172349822989")]
    public void Two_to_a_negative_power_is_accurate_to_decimals_precision(string exponent, string expected)
    {
        var e = decimal.Parse(exponent, System.Globalization.CultureInfo.InvariantCulture);
        var reference = decimal.Parse(expected, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

        var actual = DecimalMath.Pow2(-e);

        // 26 significant digits, or a few of decimal's smallest steps for tiny results.
        var tolerance = Math.Max(reference * 1e-26m, 5e-28m);
        Assert.True(Math.Abs(actual - reference) <= tolerance, $"2^-{exponent} = {actual}, expected {reference}");
    }

    [Fact]
    public void Whole_negative_powers_are_exact_halvings()
    {
        Assert.Equal(1m, DecimalMath.Pow2(0m));
        Assert.Equal(0.5m, DecimalMath.Pow2(-1m));
        Assert.Equal(0.25m, DecimalMath.Pow2(-2m));
        Assert.Equal(0.0009765625m, DecimalMath.Pow2(-10m));
        Assert.Equal(0.0000000037252902984619140625m, DecimalMath.Pow2(-28m));
    }

    [Fact]
    public void Powers_below_decimals_smallest_step_are_zero()
    {
        Assert.Equal(0m, DecimalMath.Pow2(-95m));
        Assert.Equal(0m, DecimalMath.Pow2(-1000m));
        Assert.Equal(0.0000000000000000000000000001m, DecimalMath.Pow2(-93m));
    }

    [Fact]
    public void Halving_steps_multiply()
    {
        // 2^-a · 2^-b = 2^-(a+b) to decimal's precision, across the table boundaries of the range reduction.
        for (var i = 0; i < 200; i++)
        {
            var a = i * 0.0137m;
            var b = 1.2345678901m - (i * 0.0041m);
            if (b < 0)
            {
                b = -b;
            }

            var product = DecimalMath.Pow2(-a) * DecimalMath.Pow2(-b);
            var direct = DecimalMath.Pow2(-(a + b));
            Assert.True(Math.Abs(product - direct) <= 1e-26m, $"a={a} b={b}: {product} vs {direct}");
        }
    }

    [Fact]
    public void Positive_exponents_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DecimalMath.Pow2(0.1m));
    }

    [Fact]
    public void Powers_never_increase_as_the_exponent_falls()
    {
        var previous = 1m;
        for (var i = 1; i <= 2000; i++)
        {
            var next = DecimalMath.Pow2(-i * 0.01m);
            Assert.True(next <= previous, $"2^-{i * 0.01m} = {next} > {previous}");
            previous = next;
        }
    }

    [Theory]
    [InlineData("7")]
    [InlineData("0.5")]
    [InlineData("90")]
    [InlineData("3650")]
    [InlineData("0.3333333333333333333333333333")]
    public void A_half_life_halves_the_weight_exactly_once_per_half_life(string days)
    {
        var halfLife = decimal.Parse(days, System.Globalization.CultureInfo.InvariantCulture);
        var decay = HalfLifeDecay.FromDays(halfLife);
        var ticks = decimal.Truncate(halfLife * TimeSpan.TicksPerDay);

        Assert.Equal(1m, decay.Factor(0));
        if (ticks == halfLife * TimeSpan.TicksPerDay)
        {
            Assert.Equal(0.5m, decay.Factor((long)ticks));
            Assert.Equal(0.125m, decay.Factor((long)ticks * 3));
        }
        else
        {
            // A whole number of ticks short of the half-life: 2^-(1 - 1/288e9), just above a half.
            Assert.InRange(decay.Factor((long)ticks) - 0.5m, 0m, 1e-11m);
        }
    }

    [Theory]
    [InlineData("7")]
    [InlineData("0.5")]
    [InlineData("45")]
    [InlineData("3650")]
    [InlineData("0.3333333333333333333333333333")]
    public void The_decay_of_whole_ticks_agrees_with_the_general_power(string days)
    {
        var halfLife = decimal.Parse(days, System.Globalization.CultureInfo.InvariantCulture);
        var decay = HalfLifeDecay.FromDays(halfLife);
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var elapsed = random.NextInt64(0, TimeSpan.TicksPerDay * 400);
            var general = DecimalMath.Pow2(-(elapsed / (halfLife * TimeSpan.TicksPerDay)));

            var fast = decay.Factor(elapsed);

            Assert.True(Math.Abs(fast - general) <= Math.Max(general * 1e-25m, 5e-28m), $"{elapsed} ticks at {days} days: {fast} vs {general}");
        }
    }

    [Fact]
    public void The_decay_of_whole_ticks_matches_the_reference()
    {
        // 10 days and 3 hours at a 7-day half-life: 2^-(243/168), by Python's decimal module to 50 digits.
        var decay = HalfLifeDecay.FromDays(7m);

        var actual = decay.Factor(TimeSpan.FromHours(243).Ticks);

        Assert.True(Math.Abs(actual - 0.3669286418653110517345342765m) <= 1e-28m, actual.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_half_life_must_be_positive_and_time_must_not_run_backwards()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HalfLifeDecay.FromDays(0m));
        Assert.Throws<ArgumentOutOfRangeException>(() => HalfLifeDecay.FromDays(7m).Factor(-1));
    }
}
