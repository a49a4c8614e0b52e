namespace Ecosystem.Domain.Attribution;

/// <summary>
/// 2^(-elapsed / half-life) for elapsed times in ticks, with the half-life's constants worked out once.
/// When the half-life is a whole number of ticks (any half-life with at most 11 decimals of a day), the
/// range reduction is done in integers, exactly: an elapsed time that is a multiple of 2^-18 half-lives gives
/// the table value itself (a week at a 7-day half-life is exactly 0.5), and no decimal division is spent.
/// </summary>
public sealed class HalfLifeDecay
{
    // Below this, remainder · 2^18 fits in 64 bits (half-lives up to about 40 days).
    private const long SmallHalfLife = 1L << (63 - DecimalMath.FractionBits);

    // Decimal keeps at most 28 decimals, so a constant as small as ln 2 / (2^18 · half-life) (about 1e-19 for a
    // week) would keep only a third of its digits: it is kept multiplied by 10^28 and the product scaled back.
    private const decimal Ln2Times1E28 = 6931471805599453094172321215m;
    private const decimal OneE28th = 0.0000000000000000000000000001m;

    private readonly long wholeTicks;
    private readonly decimal halfLifeTicks;
    private readonly decimal scaledYPerStep;

    /// <param name="halfLifeTicks">The half-life in ticks (100 ns); positive.</param>
    public HalfLifeDecay(decimal halfLifeTicks)
    {
        if (halfLifeTicks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfLifeTicks), halfLifeTicks, "The half-life must be positive.");
        }

        this.halfLifeTicks = halfLifeTicks;
        if (halfLifeTicks == decimal.Truncate(halfLifeTicks) && halfLifeTicks <= long.MaxValue)
        {
            wholeTicks = (long)halfLifeTicks;

            // y = g·ln 2 where g = r / (2^18 · half-life) and r is the integer remainder below.
            scaledYPerStep = Ln2Times1E28 / (DecimalMath.FractionSteps * halfLifeTicks);
        }
    }

    public static HalfLifeDecay FromDays(decimal days) => new(days * TimeSpan.TicksPerDay);

    /// <summary>2^(-<paramref name="elapsedTicks"/> / half-life); 1 at 0, 0.5 after one half-life.</summary>
    public decimal Factor(long elapsedTicks)
    {
        if (elapsedTicks <= 0)
        {
            return elapsedTicks == 0
                ? 1m
                : throw new ArgumentOutOfRangeException(nameof(elapsedTicks), elapsedTicks, "Elapsed time must not be negative.");
        }

        if (wholeTicks == 0)
        {
            return DecimalMath.Pow2(-(elapsedTicks / halfLifeTicks));
        }

        var n = elapsedTicks / wholeTicks;
        if (n >= DecimalMath.ZeroFrom)
        {
            return 0m;
        }

        // elapsed / half-life = n + (j + r / half-life) / 2^18, all integers.
        var remainder = (ulong)(elapsedTicks - (n * wholeTicks));
        ulong j, r;
        if (wholeTicks < SmallHalfLife)
        {
            var scaled = remainder << DecimalMath.FractionBits;
            j = scaled / (ulong)wholeTicks;
            r = scaled - (j * (ulong)wholeTicks);
        }
        else
        {
            var scaled = (UInt128)remainder << DecimalMath.FractionBits;
            j = (ulong)(scaled / (ulong)wholeTicks);
            r = (ulong)(scaled - ((UInt128)j * (ulong)wholeTicks));
        }

        return DecimalMath.Reduced((int)n, (int)j, r == 0 ? 0m : r * scaledYPerStep * OneE28th);
    }
}
