using Ecosystem.Domain.Events;
using Ecosystem.Domain.Money;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Attribution;

/// <summary>
/// The attribution arithmetic of the public contract ("Attribution, exactly"): which touches count, their
/// weights under each model, and the split of the amount into whole minor units by largest remainder.
/// Pure and deterministic: time comes in with the input, nothing is read from a clock, no <see cref="double"/>.
/// </summary>
/// <remarks>
/// Where the contract is silent:
/// <list type="bullet">
/// <item>The amount is first rounded to the currency's minor unit (<see cref="Currencies.Round"/>); the
/// result's amount and every credit carry exactly that many decimals. A negative amount is split like its
/// absolute value and negated, so a reversal takes back exactly what the same split gave.</item>
/// <item>Every partner with a counted touch gets a credit entry, even at weight 0 (first/last-touch losers, a
/// role weighted 0), so everyone sees why; such a partner never receives a leftover minor unit. Without a
/// counted touch, or when all weights are 0, there are no credits.</item>
/// <item>Touches at the same instant are ordered by <see cref="Touch.Order"/>, then partner id and role
/// (ordinal) so that even a malformed input with duplicate orders is deterministic.</item>
/// <item>role_weighted: a role the program does not weigh (or a negative weight) counts 0.</item>
/// <item>time_decay: credits use the weights relative to the latest counted touch, 2^(-(tLast - t)/H); the
/// factor 2^(-(T - tLast)/H) common to all touches cancels in weight/total, so the split is the same while
/// touches long before the close do not all underflow decimal to 0. The displayed weight is the contract's
/// 2^(-(T - t)/H) rounded to <see cref="DisplayWeightDecimals"/> places. Powers are computed in decimal
/// (<see cref="HalfLifeDecay"/>, <see cref="DecimalMath"/>), never in double, once per distinct instant.</item>
/// <item>position_based: computed on the integer weights 2m/1/2m (m middle touches), which are the contract's
/// 40%/20%÷m/40% scaled by 5m, so thirds and sevenths do not round before the split; displayed as 0.4,
/// 0.2/m (rounded to <see cref="DisplayWeightDecimals"/> places) and 0.4; one touch 1, two touches 0.5 each.</item>
/// <item>Share = partner weight / total weight, rounded half away from zero to <see cref="ShareDecimals"/> places.</item>
/// <item>Sourced: the approved registrant if it has a credit entry, else the partner of the earliest counted
/// <c>sourced</c> touch; at most one partner.</item>
/// </list>
/// </remarks>
public static class AttributionCalculator
{
    /// <summary>Decimal places of <see cref="PartnerCredit.Share"/>.</summary>
    public const int ShareDecimals = 6;

    /// <summary>Decimal places of <see cref="TouchCredit.Weight"/> (only non-terminating weights are affected).</summary>
    public const int DisplayWeightDecimals = 10;

    public static bool IsKnownModel(string? model) => model is not null && AttributionModels.All.Contains(model);

    /// <summary>The credits under every model of <see cref="AttributionModels.All"/>, keyed by model.</summary>
    public static IReadOnlyDictionary<string, AttributionResult> ComputeAll(AttributionInput input, AttributionSettings settings)
    {
        var all = new Dictionary<string, AttributionResult>(AttributionModels.All.Count, StringComparer.Ordinal);
        foreach (var model in AttributionModels.All)
        {
            all[model] = Compute(model, input, settings);
        }

        return all;
    }

    /// <exception cref="ArgumentException">Unknown model or currency.</exception>
    /// <exception cref="ArgumentOutOfRangeException">time_decay with a half-life that is not positive.</exception>
    public static AttributionResult Compute(string model, AttributionInput input, AttributionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        if (!IsKnownModel(model))
        {
            throw new ArgumentException($"Unknown attribution model '{model}'; expected one of {string.Join(", ", AttributionModels.All)}.", nameof(model));
        }

        var digits = Currencies.MinorUnitDigits(input.Currency);
        var minorUnit = new decimal(1, 0, 0, false, (byte)digits);
        var signedUnits = decimal.Truncate(Currencies.Round(input.Amount, input.Currency) / minorUnit);
        var amount = signedUnits * minorUnit;

        var counted = Counted(input.Touches, input.ClosedAt);
        var n = counted.Length;
        if (n == 0)
        {
            return new AttributionResult(model, amount, input.Currency, []);
        }

        var weights = new decimal[n];
        var display = new decimal[n];
        Weigh(model, counted, input.ClosedAt, settings, weights, display);

        // Partners in order of their first counted touch; touch lists in touch order.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var partnerOf = new int[n];
        var ids = new List<string>();
        var touchCounts = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var id = counted[i].PartnerId;
            if (!index.TryGetValue(id, out var p))
            {
                p = ids.Count;
                index.Add(id, p);
                ids.Add(id);
                touchCounts.Add(0);
            }

            partnerOf[i] = p;
            touchCounts[p]++;
        }

        var partners = ids.Count;
        var sums = new decimal[partners];
        var touchCredits = new TouchCredit[partners][];
        var filled = new int[partners];
        for (var p = 0; p < partners; p++)
        {
            touchCredits[p] = new TouchCredit[touchCounts[p]];
        }

        for (var i = 0; i < n; i++)
        {
            var p = partnerOf[i];
            sums[p] += weights[i];
            touchCredits[p][filled[p]++] = new TouchCredit(counted[i].At, counted[i].Role, display[i]);
        }

        var total = 0m;
        for (var p = 0; p < partners; p++)
        {
            total += sums[p];
        }

        if (total <= 0)
        {
            return new AttributionResult(model, amount, input.Currency, []);
        }

        var units = Split(Math.Abs(signedUnits), sums, total, ids);
        var sourced = SourcedPartner(input.ApprovedRegistrant, index, counted);

        var credits = new PartnerCredit[partners];
        var negative = signedUnits < 0;
        for (var p = 0; p < partners; p++)
        {
            var creditUnits = negative ? -units[p] : units[p];
            credits[p] = new PartnerCredit(
                ids[p],
                creditUnits * minorUnit,
                Math.Round(sums[p] / total, ShareDecimals, MidpointRounding.AwayFromZero),
                sourced == p,
                touchCredits[p]);
        }

        Array.Sort(credits, CreditOrder);
        return new AttributionResult(model, amount, input.Currency, credits);
    }

    /// <summary>The touches at or before the close, in order (At, then Order).</summary>
    private static Touch[] Counted(IReadOnlyList<Touch>? touches, DateTimeOffset? closedAt)
    {
        if (touches is null || touches.Count == 0)
        {
            return [];
        }

        var counted = new Touch[touches.Count];
        var n = 0;
        for (var i = 0; i < touches.Count; i++)
        {
            var t = touches[i];
            if (closedAt is not { } close || t.At <= close)
            {
                counted[n++] = t;
            }
        }

        if (n != counted.Length)
        {
            Array.Resize(ref counted, n);
        }

        // The log appends in acceptance order, so the touches usually arrive sorted already.
        for (var i = 1; i < n; i++)
        {
            if (TouchOrder(counted[i - 1], counted[i]) > 0)
            {
                Array.Sort(counted, TouchOrder);
                break;
            }
        }

        return counted;
    }

    private static int TouchOrder(Touch x, Touch y)
    {
        var c = x.At.UtcTicks.CompareTo(y.At.UtcTicks);
        if (c != 0)
        {
            return c;
        }

        c = x.Order.CompareTo(y.Order);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.PartnerId, y.PartnerId);
        return c != 0 ? c : string.CompareOrdinal(x.Role, y.Role);
    }

    private static int CreditOrder(PartnerCredit x, PartnerCredit y)
    {
        var c = y.Amount.CompareTo(x.Amount);
        return c != 0 ? c : string.CompareOrdinal(x.PartnerId, y.PartnerId);
    }

    /// <summary>
    /// Fills <paramref name="weights"/> (what the split uses: the model's weights up to a common positive
    /// factor) and <paramref name="display"/> (the model's weights as the contract states them).
    /// </summary>
    private static void Weigh(string model, Touch[] counted, DateTimeOffset? closedAt, AttributionSettings settings, decimal[] weights, decimal[] display)
    {
        var n = counted.Length;
        switch (model)
        {
            case AttributionModels.FirstTouch:
                weights[0] = display[0] = 1m;
                break;

            case AttributionModels.LastTouch:
                weights[n - 1] = display[n - 1] = 1m;
                break;

            case AttributionModels.Linear:
                Array.Fill(weights, 1m);
                Array.Fill(display, 1m);
                break;

            case AttributionModels.PositionBased:
                WeighPositions(weights, display);
                break;

            case AttributionModels.RoleWeighted:
                var roleWeights = settings.RoleWeights;
                for (var i = 0; i < n; i++)
                {
                    var w = roleWeights is not null && roleWeights.TryGetValue(counted[i].Role, out var v) && v > 0 ? v : 0m;
                    weights[i] = display[i] = w;
                }

                break;

            case AttributionModels.TimeDecay:
                WeighByTime(counted, closedAt, settings.TimeDecayHalfLifeDays, weights, display);
                break;

            default:
                throw new ArgumentException($"Unknown attribution model '{model}'.", nameof(model));
        }
    }

    private static void WeighPositions(decimal[] weights, decimal[] display)
    {
        var n = weights.Length;
        if (n == 1)
        {
            weights[0] = display[0] = 1m;
            return;
        }

        if (n == 2)
        {
            weights[0] = weights[1] = 1m;
            display[0] = display[1] = 0.5m;
            return;
        }

        // 40% / 20% shared by m / 40%, scaled by 5m: 2m / 1 each / 2m, all integers.
        var middles = n - 2;
        var end = 2m * middles;
        var middleDisplay = Math.Round(0.2m / middles, DisplayWeightDecimals, MidpointRounding.AwayFromZero);
        weights[0] = weights[n - 1] = end;
        display[0] = display[n - 1] = 0.4m;
        for (var i = 1; i < n - 1; i++)
        {
            weights[i] = 1m;
            display[i] = middleDisplay;
        }
    }

    private static void WeighByTime(Touch[] counted, DateTimeOffset? closedAt, decimal halfLifeDays, decimal[] weights, decimal[] display)
    {
        if (halfLifeDays <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfLifeDays), halfLifeDays, "The time-decay half-life must be positive.");
        }

        var n = counted.Length;
        var decay = HalfLifeDecay.FromDays(halfLifeDays);
        var latest = counted[n - 1].At.UtcTicks;

        // The contract's T is the close when there is one; it is at or after every counted touch.
        var closeFactor = closedAt is { } close && close.UtcTicks > latest ? decay.Factor(close.UtcTicks - latest) : 1m;

        // Touches are sorted, so equal instants are adjacent: one power per distinct instant.
        var previousTicks = long.MinValue;
        var previousWeight = 0m;
        var previousDisplay = 0m;
        for (var i = n - 1; i >= 0; i--)
        {
            var ticks = counted[i].At.UtcTicks;
            if (ticks != previousTicks)
            {
                previousTicks = ticks;
                previousWeight = decay.Factor(latest - ticks);
                previousDisplay = Math.Round(closeFactor == 1m ? previousWeight : closeFactor * previousWeight, DisplayWeightDecimals, MidpointRounding.AwayFromZero);
            }

            weights[i] = previousWeight;
            display[i] = previousDisplay;
        }
    }

    /// <summary>
    /// Largest remainder: <paramref name="units"/> × sum/total floored for each partner, then the units left one
    /// each to the largest remainders (ties: partner id ordinal ascending). Remainders are kept as
    /// units × sum mod total, exact whenever the weights are exact decimals, so ties are real ties.
    /// </summary>
    private static decimal[] Split(decimal units, decimal[] sums, decimal total, List<string> ids)
    {
        var partners = sums.Length;
        var quotients = new decimal[partners];
        var remainders = new decimal[partners];

        // units × sum would overflow decimal for absurd amounts; then split the shares instead (same result
        // up to decimal's 28 digits).
        var scaled = total <= 1 || units <= decimal.MaxValue / total;
        var divisor = scaled ? total : 1m;
        var handedOut = 0m;
        for (var p = 0; p < partners; p++)
        {
            var numerator = scaled ? units * sums[p] : units * (sums[p] / total);
            var q = decimal.Floor(numerator / divisor);
            var r = numerator - (q * divisor);
            if (r < 0)
            {
                q--;
                r += divisor;
            }
            else if (r >= divisor)
            {
                q++;
                r -= divisor;
            }

            quotients[p] = q;
            remainders[p] = r;
            handedOut += q;
        }

        var left = units - handedOut;
        if (left == 0)
        {
            return quotients;
        }

        // Only partners with weight take part: a partner credited 0 by its model stays at 0.
        var eligible = new List<int>(partners);
        for (var p = 0; p < partners; p++)
        {
            if (sums[p] > 0)
            {
                eligible.Add(p);
            }
        }

        eligible.Sort((a, b) =>
        {
            var c = remainders[b].CompareTo(remainders[a]);
            return c != 0 ? c : string.CompareOrdinal(ids[a], ids[b]);
        });

        // With exact weights 0 ≤ left < eligible partners. Rounded time-decay weights can, in degenerate
        // cases, be a unit off either way; the loops keep the sum exact regardless.
        for (var k = 0; left > 0; k = (k + 1) % eligible.Count)
        {
            quotients[eligible[k]]++;
            left--;
        }

        for (var k = eligible.Count - 1; left < 0; k = k == 0 ? eligible.Count - 1 : k - 1)
        {
            if (quotients[eligible[k]] > 0)
            {
                quotients[eligible[k]]--;
                left++;
            }
        }

        return quotients;
    }

    /// <summary>
    /// What <see cref="Compute"/> says about who is credited, without splitting the amount: whether the deal has credits
    /// at all, and its sourced partner (null when none). One pass over the touches, no allocation: for figures that
    /// need only these (the ecosystem's sourced and influenced revenue), not the credits themselves.
    /// </summary>
    public static (bool HasCredits, string? SourcedPartner) Outline(string model, AttributionInput input, AttributionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        var anyCounted = false;
        // Only role_weighted can weigh every counted touch 0, which leaves no credits.
        var anyWeight = model != AttributionModels.RoleWeighted;
        var registrantCounted = false;
        Touch? earliestSourced = null;
        foreach (var t in input.Touches)
        {
            if (input.ClosedAt is { } close && t.At > close)
            {
                continue;
            }

            anyCounted = true;
            anyWeight = anyWeight || (settings.RoleWeights is { } roles && roles.TryGetValue(t.Role, out var w) && w > 0);
            registrantCounted = registrantCounted || string.Equals(t.PartnerId, input.ApprovedRegistrant, StringComparison.Ordinal);
            if (string.Equals(t.Role, TouchRoles.Sourced, StringComparison.Ordinal) && (earliestSourced is null || TouchOrder(t, earliestSourced) < 0))
            {
                earliestSourced = t;
            }

            // Nothing later can change the answer: the approved registrant is counted and some touch weighs.
            if (registrantCounted && anyWeight)
            {
                break;
            }
        }

        return !anyCounted || !anyWeight
            ? (false, null)
            : (true, registrantCounted ? input.ApprovedRegistrant : earliestSourced?.PartnerId);
    }

    /// <summary>The index of the sourced partner, or -1.</summary>
    private static int SourcedPartner(string? approvedRegistrant, Dictionary<string, int> index, Touch[] counted)
    {
        if (approvedRegistrant is not null && index.TryGetValue(approvedRegistrant, out var registrant))
        {
            return registrant;
        }

        foreach (var t in counted)
        {
            if (string.Equals(t.Role, TouchRoles.Sourced, StringComparison.Ordinal))
            {
                return index[t.PartnerId];
            }
        }

        return -1;
    }
}
