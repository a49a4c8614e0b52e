namespace Ecosystem.Domain.Attribution;

/// <summary>
/// Powers of two in <see cref="decimal"/>, without <see cref="double"/>, so that time-decay attribution is
/// exact to the last few of decimal's 28 digits and identical on every machine.
/// </summary>
public static class DecimalMath
{
    /// <summary>ln 2 = 0.69314718055994530941723212145817656807..., to decimal's 28 places.</summary>
    public const decimal Ln2 = 0.6931471805599453094172321215m;

    // 2^-95 is below half of decimal's smallest step (1e-28), so everything from there on is 0.
    private const int ZeroFrom = 95;
    private const int FractionSteps = 64;
    private const int SeriesTerms = 11;

    // 2^-n, n = 0..94: exact up to n = 28 (2^-n has n decimals), decimal's nearest after.
    private static readonly decimal[] NegativeIntegerPowers = BuildIntegerPowers();

    // 1/k!, k = 0..SeriesTerms, for the Taylor series of e^-y.
    private static readonly decimal[] InverseFactorials = BuildInverseFactorials(SeriesTerms);

    // 2^(-j/64), j = 0..63.
    private static readonly decimal[] NegativeFractionPowers = BuildFractionPowers();

    /// <summary>
    /// 2^<paramref name="exponent"/> for a non-positive exponent. Accurate to at least 26 significant digits
    /// while the result is at least 1e-2 and to within a few units of 1e-28 (decimal's smallest step) below
    /// that, which is at least 20 significant digits for results down to 1e-8.
    /// </summary>
    /// <remarks>
    /// Range reduction: 2^-e = 2^-n · 2^(-j/64) · e^(-g·ln 2) with n = ⌊e⌋, j = ⌊64·frac(e)⌋, g &lt; 1/64, so
    /// the series runs on an argument below 0.011 and eleven terms leave an error under 1e-29.
    /// </remarks>
    public static decimal Pow2(decimal exponent)
    {
        if (exponent > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "Only non-positive exponents are supported.");
        }

        if (exponent == 0)
        {
            return 1m;
        }

        var e = -exponent;
        if (e >= ZeroFrom)
        {
            return 0m;
        }

        var n = (int)decimal.Floor(e);
        var f = e - n;
        var j = (int)decimal.Floor(f * FractionSteps);
        var g = f - (j / (decimal)FractionSteps);
        var fraction = g == 0 ? NegativeFractionPowers[j] : NegativeFractionPowers[j] * ExpNegativeSmall(g * Ln2);
        return n == 0 ? fraction : NegativeIntegerPowers[n] * fraction;
    }

    /// <summary>e^-y for 0 ≤ y &lt; 0.011 by Horner's rule on the Taylor series.</summary>
    private static decimal ExpNegativeSmall(decimal y)
    {
        var minusY = -y;
        var p = InverseFactorials[SeriesTerms];
        for (var k = SeriesTerms - 1; k >= 0; k--)
        {
            p = InverseFactorials[k] + (minusY * p);
        }

        return p;
    }

    private static decimal[] BuildIntegerPowers()
    {
        var powers = new decimal[ZeroFrom];
        powers[0] = 1m;
        for (var n = 1; n < powers.Length; n++)
        {
            powers[n] = powers[n - 1] / 2;
        }

        return powers;
    }

    private static decimal[] BuildInverseFactorials(int terms)
    {
        var inverse = new decimal[terms + 1];
        inverse[0] = 1m;
        for (var k = 1; k <= terms; k++)
        {
            inverse[k] = inverse[k - 1] / k;
        }

        return inverse;
    }

    private static decimal[] BuildFractionPowers()
    {
        // 2^(-j/64) = (e^(-(j/64)·ln 2 / 16))^16: the series on an argument below 0.043, then four squarings.
        const int squarings = 4;
        var powers = new decimal[FractionSteps];
        for (var j = 0; j < FractionSteps; j++)
        {
            var y = j * Ln2 / (FractionSteps * (1 << squarings));
            decimal term = 1m, sum = 1m;
            for (var k = 1; k <= 30; k++)
            {
                term = -term * y / k;
                sum += term;
            }

            for (var s = 0; s < squarings; s++)
            {
                sum *= sum;
            }

            powers[j] = sum;
        }

        return powers;
    }
}
