namespace Ecosystem.Domain.Deals;

public static class RegistrationStatus
{
    public const string Approved = "approved";
    public const string PendingReview = "pending_review";
    public const string Conflict = "conflict";
    public const string Rejected = "rejected";
    public const string Expired = "expired";

    /// <summary>A registration in one of these states holds the account against other partners.</summary>
    public static bool Holds(string status) => status is Approved or PendingReview;
}

/// <summary>What the engine decided about one registration, recorded with it in the log so a replay decides the same.</summary>
[GenerateSerializer, Immutable, Alias("eco.RegistrationDecision")]
public sealed record RegistrationDecision(
    [property: Id(0)] string Status,
    [property: Id(1)] string? ConflictsWith,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>An earlier registration of the same account, as the account remembers it.</summary>
[GenerateSerializer, Immutable, Alias("eco.AccountRegistration")]
public sealed record AccountRegistration(
    [property: Id(0)] string DealId,
    [property: Id(1)] string PartnerId,
    [property: Id(2)] DateTimeOffset RegisteredAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] string DecidedStatus);

/// <summary>
/// First registration wins. A new registration conflicts with the earliest registration of the same
/// account by a different partner that still holds it: decided approved or pending review, not since
/// rejected, expired or closed (<paramref name="stillHolds"/> answers that for a deal), and inside its
/// protection window at the new registration's time. "Earlier" is arrival order at the account, which
/// serializes registrations; a client's clock cannot jump the queue. Otherwise it is approved, or waits for review
/// when the program does not auto-approve.
/// </summary>
public static class RegistrationRules
{
    public static RegistrationDecision Decide(
        IReadOnlyList<AccountRegistration> earlier,
        string dealId,
        string partnerId,
        DateTimeOffset registeredAt,
        decimal protectionWindowDays,
        bool autoApprove,
        Func<AccountRegistration, bool> stillHolds)
    {
        var expiresAt = registeredAt + Window(protectionWindowDays);
        foreach (var holder in earlier.OrderBy(r => r.RegisteredAt).ThenBy(r => r.DealId, StringComparer.Ordinal))
        {
            if (holder.DealId != dealId
                && holder.PartnerId != partnerId
                && RegistrationStatus.Holds(holder.DecidedStatus)
                && registeredAt < holder.ExpiresAt
                && stillHolds(holder))
            {
                return new RegistrationDecision(RegistrationStatus.Conflict, holder.DealId, expiresAt);
            }
        }

        return new RegistrationDecision(autoApprove ? RegistrationStatus.Approved : RegistrationStatus.PendingReview, null, expiresAt);
    }

    public static TimeSpan Window(decimal protectionWindowDays) =>
        TimeSpan.FromSeconds((double)Math.Round(protectionWindowDays * 86_400m, 3));
}
