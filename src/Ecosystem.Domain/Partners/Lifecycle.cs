namespace Ecosystem.Domain.Partners;

public static class LifecycleStages
{
    public const string Applied = "applied";
    public const string Onboarding = "onboarding";
    public const string Active = "active";
    public const string Dormant = "dormant";
    public const string Churned = "churned";
    public static readonly IReadOnlyList<string> All = [Applied, Onboarding, Active, Dormant, Churned];
}

/// <summary>
/// Where a partner is in its life with the program. The stage is derived from timestamps, never stored, so the same
/// figures always give the same stage:
/// <list type="bullet">
/// <item><c>applied</c>: a profile, nothing signed yet.</item>
/// <item><c>onboarding</c>: the NDA or the program terms signed, not yet activated.</item>
/// <item><c>active</c>: activated (its first deal registration or its first accepted lead), and active within the last
/// <c>dormantAfterDays</c> (default 60).</item>
/// <item><c>dormant</c>: activated, and no activity for at least <c>dormantAfterDays</c>.</item>
/// <item><c>churned</c>: activated, and no activity for at least <c>churnedAfterDays</c> (default 180).</item>
/// </list>
/// <para>"Activity" is the latest of the last activity and the activation itself. New activity makes a dormant partner
/// active again, and a churned one too (a win-back): the stage follows the figures.</para>
/// <para>Activation days = (activatedAt − programTermsSignedAt) in days, rounded to 1 decimal (half away from zero);
/// 0 when the partner was active before it signed the terms; null until both have happened.</para>
/// </summary>
public static class Lifecycle
{
    public const decimal DefaultDormantAfterDays = 60;
    public const decimal DefaultChurnedAfterDays = 180;

    public static string Stage(
        DateTimeOffset? ndaSignedAt,
        DateTimeOffset? programTermsSignedAt,
        DateTimeOffset? activatedAt,
        DateTimeOffset? lastActivityAt,
        DateTimeOffset now,
        decimal dormantAfterDays = DefaultDormantAfterDays,
        decimal churnedAfterDays = DefaultChurnedAfterDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(dormantAfterDays, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(churnedAfterDays, dormantAfterDays);

        if (activatedAt is not { } activated)
        {
            return ndaSignedAt is not null || programTermsSignedAt is not null ? LifecycleStages.Onboarding : LifecycleStages.Applied;
        }

        var last = lastActivityAt is { } l && l > activated ? l : activated;
        var idleDays = Days(now - last);
        return idleDays >= churnedAfterDays ? LifecycleStages.Churned
            : idleDays >= dormantAfterDays ? LifecycleStages.Dormant
            : LifecycleStages.Active;
    }

    public static decimal? ActivationDays(DateTimeOffset? programTermsSignedAt, DateTimeOffset? activatedAt) =>
        programTermsSignedAt is { } signed && activatedAt is { } activated
            ? Math.Round(Math.Max(0, Days(activated - signed)), 1, MidpointRounding.AwayFromZero)
            : null;

    internal static decimal Days(TimeSpan span) => (decimal)span.Ticks / TimeSpan.TicksPerDay;
}
