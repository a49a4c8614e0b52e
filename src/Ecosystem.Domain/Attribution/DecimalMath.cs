namespace Ecosystem.Domain.Attribution;

/// <summary>
/// Powers of two in <see cref="decimal"/>, without <see cref="double"/>, so that time-decay attribution is
/// exact to the last few of decimal's 28 digits and identical on every machine.
/// </summary>
/// <remarks>
/// Range reduction: 2^-e = 2^-n · 2^(-J/2^18) · e^(-g·ln 2) with n = ⌊e⌋, J = ⌊2^18·frac(e)⌋ and g &lt; 2^-18.
/// 2^(-J/2^18) is the product of two tables, one for the top six bits of J and one for the other twelve, and
/// the series for e^-y runs on y &lt; 2.7e-6, where four terms leave an error under 1e-30.
/// </remarks>
public static class DecimalMath
{
    /// <summary>ln 2 = 0.69314718055994530941723212145817656807..., to decimal's 28 places.</summary>
    public const decimal Ln2 = 0.6931471805599453094172321215m;

    // 2^-95 is below half of decimal's smallest step (1e-28), so everything from there on is 0.
    internal const int ZeroFrom = 95;
    internal const int FractionBits = 18;
    internal const int FractionSteps = 1 << FractionBits;

    private const int LevelBits = 6;
    private const int LowBits = 2 * LevelBits;
    private const int LowMask = (1 << LowBits) - 1;
    private const int SeriesTerms = 4;

    /// <summary>2^-18, exactly.</summary>
    private const decimal FractionStep = 0.000003814697265625m;

    // 2^-n, n = 0..94: exact up to n = 28 (2^-n has n decimals), decimal's nearest after.
    private static readonly decimal[] NegativeIntegerPowers = BuildIntegerPowers();

    // 1/k!, k = 0..SeriesTerms, for the Taylor series of e^-y.
    private static readonly decimal[] InverseFactorials = BuildInverseFactorials(SeriesTerms);

    // 2^(-j/64), j = 0..63, and 2^(-k/2^18), k = 0..4095 (the product of two 64-entry levels, one rounding).
    private static readonly decimal[] HighPowers = BuildLevel(1);
    private static readonly decimal[] LowPowers = BuildLowPowers();

    /// <summary>
    /// 2^<paramref name="exponent"/> for a non-positive exponent. Accurate to at least 26 significant digits
    /// while the result is at least 1e-2, and to within a few units of 1e-28 (decimal's smallest step) below
    /// that: at least 20 significant digits for results down to 1e-8.
    /// </summary>
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

        var n = (int)e;
        var f = e - n;

        // f·2^18 may round up to the next whole number; g is then a hair below 0, which the series takes.
        var j = Math.Min((int)(f * FractionSteps), FractionSteps - 1);
        var g = f - (j * FractionStep);
        return Reduced(n, j, g * Ln2);
    }

    /// <summary>2^-(n + j/2^18) · e^-y, for n &lt; 95, 0 ≤ j &lt; 2^18 and |y| &lt; 2.7e-6.</summary>
    internal static decimal Reduced(int n, int j, decimal y)
    {
        var r = HighPowers[j >> LowBits];
        var k = j & LowMask;
        if (k != 0)
        {
            r *= LowPowers[k];
        }

        if (y != 0)
        {
            r *= ExpNegativeSmall(y);
        }

        return n == 0 ? r : r * NegativeIntegerPowers[n];
    }

    /// <summary>e^-y for |y| &lt; 2.7e-6 by Horner's rule on the Taylor series.</summary>
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

    private static decimal[] BuildLowPowers()
    {
        var middle = BuildLevel(2);
        var low = BuildLevel(3);
        var powers = new decimal[1 << LowBits];
        for (var k = 0; k < powers.Length; k++)
        {
            powers[k] = middle[k >> LevelBits] * low[k & ((1 << LevelBits) - 1)];
        }

        return powers;
    }

    private static decimal[] BuildLevel(int level)
    {
        // 2^(-j/64^level) = (e^(-(j/64^level)·ln 2 / 16))^16: thirty series terms on an argument below 0.043,
        // then four squarings. Run once per process.
        const int squarings = 4;
        decimal divisor = 1 << squarings;
        for (var l = 0; l < level; l++)
        {
            divisor *= 1 << LevelBits;
        }

        var powers = new decimal[1 << LevelBits];
        for (var j = 0; j < powers.Length; j++)
        {
            var y = j * Ln2 / divisor;
            decimal term = 1m, sum = 1m;
            for (var k = 1; k <= 30 && term != 0; k++)
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
