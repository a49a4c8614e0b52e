namespace Ecosystem.Domain.Integrations;

/// <summary>The churn of one group of accounts: how many are in it, how many of them churned, and the ratio (null for an empty group).</summary>
[GenerateSerializer, Immutable, Alias("eco.ChurnGroup")]
public sealed record ChurnGroup(
    [property: Id(0)] long Accounts,
    [property: Id(1)] long Churned,
    [property: Id(2)] decimal? ChurnRate);

/// <summary>
/// Integration adoption across the ecosystem, as <see cref="AdoptionCounters.Figures"/> reports it (definitions in
/// <see cref="AdoptionMetrics"/>). Rates are fractions 0-1, null when their denominator is 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.AdoptionFigures")]
public sealed record AdoptionFigures(
    [property: Id(0)] long AccountsSeen,
    [property: Id(1)] long AccountsWithActiveInstall,
    [property: Id(2)] decimal? AdoptionRate,
    [property: Id(3)] ChurnGroup NoIntegration,
    [property: Id(4)] ChurnGroup ThreeOrMoreIntegrations,
    [property: Id(5)] decimal? ChurnRateDifference,
    [property: Id(6)] long Installs,
    [property: Id(7)] long ListingViews,
    [property: Id(8)] decimal? MarketplaceConversion);

/// <summary>
/// The integration figures of <c>GET /api/metrics</c>, defined exactly. All rates are fractions 0-1 (decimal), not
/// rounded here, and null when their denominator is 0.
/// <list type="bullet">
/// <item><b>Accounts seen</b>: distinct accountIds (normalized, so compared case-insensitively) named by any accepted
/// event: <c>deal.registered</c>, <c>lead.submitted</c>, <c>integration.installed</c>/<c>uninstalled</c>,
/// <c>marketplace.viewed</c> with an accountId, <c>account.churned</c>.</item>
/// <item><b>Integration adoption rate</b> = accounts with an active install of at least one integration / accounts seen.
/// An install is active from its <c>integration.installed</c> until the same account's <c>integration.uninstalled</c> of
/// the same integration; installing twice is one install.</item>
/// <item><b>NRR contribution</b>: the churn rate of accounts with no integration against that of accounts with three or
/// more. An account's integration count is the number of integrations it has active; a churned account keeps the count
/// it had when it first churned (<c>account.churned</c>; a repeat changes nothing, and the installs or uninstalls that
/// follow do not move it between groups, though they still count for adoption). Group "none": accounts whose count is 0;
/// group "three or more": count ≥ 3. Churn rate of a group = its churned accounts / its accounts; null for an empty
/// group. <see cref="AdoptionFigures.ChurnRateDifference"/> = churn rate (none) − churn rate (three or more), null unless
/// both exist: how many points of churn go with having integrations.</item>
/// <item><b>Marketplace conversion</b> = installs / listing views. Installs: <c>integration.installed</c> events that made
/// an install active (a repeat of an active install does not count; a reinstall after an uninstall does). Listing views:
/// <c>marketplace.viewed</c> events. Null with no view; it may exceed 1, since an install need not follow a view. Per
/// integration (its <c>conversionRate</c>) the same with its own installs and views (<see cref="InstallBase"/>).</item>
/// </list>
/// </summary>
public static class AdoptionMetrics
{
    /// <summary>The integration count from which an account is in the "three or more" group.</summary>
    public const int ManyIntegrations = 3;

    public static decimal? AdoptionRate(long accountsWithActiveInstall, long accountsSeen) => Ratio(accountsWithActiveInstall, accountsSeen);

    public static decimal? ChurnRate(long churnedAccounts, long accounts) => Ratio(churnedAccounts, accounts);

    public static decimal? Conversion(long installs, long listingViews) => Ratio(installs, listingViews);

    public static ChurnGroup Group(long accounts, long churned) => new(accounts, churned, ChurnRate(churned, accounts));

    /// <summary>Churn rate of accounts with no integration minus that of accounts with three or more; null unless both exist.</summary>
    public static decimal? ChurnRateDifference(ChurnGroup none, ChurnGroup many) =>
        none.ChurnRate is { } a && many.ChurnRate is { } b ? a - b : null;

    private static decimal? Ratio(long numerator, long denominator) => denominator <= 0 ? null : (decimal)Math.Max(0, numerator) / denominator;
}

/// <summary>
/// The counters behind <see cref="AdoptionMetrics"/>, held by one grain and updated event by event at O(1) cost (an
/// account's set of active integrations is touched, never the list of accounts). Install and uninstall are idempotent;
/// call <see cref="SeeAccount"/> for every other event that names an account.
/// </summary>
[GenerateSerializer, Alias("eco.AdoptionCounters")]
public sealed class AdoptionCounters
{
    // Default (ordinal) comparers: ids arrive normalized, and the collections serialize without a comparer.
    [Id(0)] private HashSet<string> _seen = [];
    /// <summary>Account → its active integrations; only accounts with at least one.</summary>
    [Id(1)] private Dictionary<string, HashSet<string>> _active = [];
    /// <summary>Churned account → its integration count when it churned.</summary>
    [Id(2)] private Dictionary<string, int> _countAtChurn = [];
    [Id(3)] private long _noneAccounts;
    [Id(4)] private long _noneChurned;
    [Id(5)] private long _manyAccounts;
    [Id(6)] private long _manyChurned;
    [Id(7)] private long _installs;
    [Id(8)] private long _views;

    public void SeeAccount(string accountId)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        if (_seen.Add(accountId))
        {
            Count(accountId, +1);
        }
    }

    /// <summary>An <c>integration.installed</c>; false (and no change but the account being seen) when the install was already active.</summary>
    public bool Install(string accountId, string integrationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        SeeAccount(accountId);
        if (_active.TryGetValue(accountId, out var mine) && mine.Contains(integrationId))
        {
            return false;
        }

        Count(accountId, -1);
        if (mine is null)
        {
            _active[accountId] = mine = [];
        }

        mine.Add(integrationId);
        Count(accountId, +1);
        _installs++;
        return true;
    }

    /// <summary>An <c>integration.uninstalled</c>; false when there was no active install to end.</summary>
    public bool Uninstall(string accountId, string integrationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        SeeAccount(accountId);
        if (!_active.TryGetValue(accountId, out var mine) || !mine.Contains(integrationId))
        {
            return false;
        }

        Count(accountId, -1);
        mine.Remove(integrationId);
        if (mine.Count == 0)
        {
            _active.Remove(accountId);
        }

        Count(accountId, +1);
        return true;
    }

    /// <summary>An <c>account.churned</c>; false when the account had churned already.</summary>
    public bool Churn(string accountId)
    {
        SeeAccount(accountId);
        if (_countAtChurn.ContainsKey(accountId))
        {
            return false;
        }

        Count(accountId, -1);
        _countAtChurn[accountId] = ActiveCount(accountId);
        Count(accountId, +1);
        return true;
    }

    /// <summary>A <c>marketplace.viewed</c>; its accountId, when it has one, is seen.</summary>
    public void View(string? accountId = null)
    {
        if (!string.IsNullOrEmpty(accountId))
        {
            SeeAccount(accountId);
        }

        _views++;
    }

    public AdoptionFigures Figures()
    {
        var none = AdoptionMetrics.Group(_noneAccounts, _noneChurned);
        var many = AdoptionMetrics.Group(_manyAccounts, _manyChurned);
        return new AdoptionFigures(
            _seen.Count,
            _active.Count,
            AdoptionMetrics.AdoptionRate(_active.Count, _seen.Count),
            none,
            many,
            AdoptionMetrics.ChurnRateDifference(none, many),
            _installs,
            _views,
            AdoptionMetrics.Conversion(_installs, _views));
    }

    private int ActiveCount(string accountId) => _active.TryGetValue(accountId, out var mine) ? mine.Count : 0;

    /// <summary>Adds (+1) or removes (−1) the account's share of the group counters, as it stands now.</summary>
    private void Count(string accountId, int sign)
    {
        var churned = _countAtChurn.TryGetValue(accountId, out var atChurn);
        var count = churned ? atChurn : ActiveCount(accountId);
        if (count == 0)
        {
            _noneAccounts += sign;
            _noneChurned += churned ? sign : 0;
        }
        else if (count >= AdoptionMetrics.ManyIntegrations)
        {
            _manyAccounts += sign;
            _manyChurned += churned ? sign : 0;
        }
    }
}

/// <summary>
/// One integration's installs and listing views, for its <c>installs {active, total}</c>, its <c>conversionRate</c>
/// (installs / views, null with no view) and the uninstall rate of its quality. Install and uninstall are idempotent:
/// <see cref="Total"/> counts the installs that made an install active (a reinstall after an uninstall counts again).
/// </summary>
[GenerateSerializer, Alias("eco.InstallBase")]
public sealed class InstallBase
{
    [Id(0)] private HashSet<string> _active = [];
    [Id(1)] private long _total;
    [Id(2)] private long _views;

    public long Active => _active.Count;

    public long Total => _total;

    public long Views => _views;

    public InstallCounts Counts => new(_active.Count, _total);

    public decimal? ConversionRate => AdoptionMetrics.Conversion(_total, _views);

    public bool IsActive(string accountId) => _active.Contains(accountId);

    /// <summary>False when the account's install was already active.</summary>
    public bool Install(string accountId)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        if (!_active.Add(accountId))
        {
            return false;
        }

        _total++;
        return true;
    }

    /// <summary>False when the account had no active install.</summary>
    public bool Uninstall(string accountId)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        return _active.Remove(accountId);
    }

    public void View() => _views++;
}
