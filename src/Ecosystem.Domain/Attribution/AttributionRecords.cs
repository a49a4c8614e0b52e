namespace Ecosystem.Domain.Attribution;

/// <summary>
/// One touch: a partner's contribution to a deal. <see cref="Order"/> is the acceptance order in the
/// log and breaks ties between touches at the same <see cref="At"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.Touch")]
public sealed record Touch(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string Role,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] long Order);

/// <summary>
/// What attribution needs to know about a deal. <see cref="Amount"/> is the closed amount if won, else
/// the current amount; <see cref="ClosedAt"/> excludes the touches after it; <see cref="ApprovedRegistrant"/>
/// is the partner whose registration was approved, if any.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.AttributionInput")]
public sealed record AttributionInput(
    [property: Id(0)] decimal Amount,
    [property: Id(1)] string Currency,
    [property: Id(2)] IReadOnlyList<Touch> Touches,
    [property: Id(3)] DateTimeOffset? ClosedAt,
    [property: Id(4)] string? ApprovedRegistrant);

/// <summary>
/// One counted touch of a partner with its weight under the model, as the model defines it (first/last
/// touch 1 or 0, linear 1, position-based 0.4/0.2÷middles/0.4, time-decay 2^(-(T - t)/H), role-weighted the
/// role's weight), rounded to <see cref="AttributionCalculator.DisplayWeightDecimals"/> places for display.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.TouchCredit")]
public sealed record TouchCredit(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Role,
    [property: Id(2)] decimal Weight);

/// <summary>
/// A partner's credit: <see cref="Amount"/> in whole minor units of the currency, <see cref="Share"/> its
/// weight over the total weight rounded to <see cref="AttributionCalculator.ShareDecimals"/> places (shares
/// are for display and need not sum to exactly 1; amounts always sum to the deal amount), and the touches
/// that earned it, in order.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.PartnerCredit")]
public sealed record PartnerCredit(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] decimal Share,
    [property: Id(3)] bool Sourced,
    [property: Id(4)] IReadOnlyList<TouchCredit> Touches)
{
    // Value equality over the touches too, so that "did the attribution change?" is a plain comparison.
    public bool Equals(PartnerCredit? other) =>
        other is not null
        && string.Equals(PartnerId, other.PartnerId, StringComparison.Ordinal)
        && Amount == other.Amount
        && Share == other.Share
        && Sourced == other.Sourced
        && Touches.SequenceEqual(other.Touches);

    public override int GetHashCode() => HashCode.Combine(PartnerId, Amount, Share, Sourced, Touches.Count);
}

/// <summary>The credits of a deal under one model; <see cref="Amount"/> is the deal amount rounded to the minor unit.</summary>
[GenerateSerializer, Immutable, Alias("eco.AttributionResult")]
public sealed record AttributionResult(
    [property: Id(0)] string Model,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string Currency,
    [property: Id(3)] IReadOnlyList<PartnerCredit> Credits)
{
    public bool Equals(AttributionResult? other) =>
        other is not null
        && string.Equals(Model, other.Model, StringComparison.Ordinal)
        && Amount == other.Amount
        && string.Equals(Currency, other.Currency, StringComparison.Ordinal)
        && Credits.SequenceEqual(other.Credits);

    public override int GetHashCode() => HashCode.Combine(Model, Amount, Currency, Credits.Count);
}
