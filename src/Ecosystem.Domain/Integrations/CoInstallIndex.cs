using static Ecosystem.Domain.Integrations.IntegrationText;

namespace Ecosystem.Domain.Integrations;

/// <summary>One integration the account has, and how many other accounts have both it and the recommended one.</summary>
[GenerateSerializer, Immutable, Alias("eco.CoInstallEvidence")]
public sealed record CoInstallEvidence(
    [property: Id(0)] string InstalledIntegrationId,
    [property: Id(1)] int Accounts);

/// <summary>
/// A recommendation: <see cref="IntegrationId"/> with its co-install <see cref="Score"/>, the integrations of the account
/// that support it (<see cref="Because"/>, strongest first) and one reason line for each.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.CoInstallRecommendation")]
public sealed record CoInstallRecommendation(
    [property: Id(0)] string IntegrationId,
    [property: Id(1)] int Score,
    [property: Id(2)] IReadOnlyList<CoInstallEvidence> Because,
    [property: Id(3)] IReadOnlyList<string> Reasons)
{
    public bool Equals(CoInstallRecommendation? other) =>
        other is not null
        && string.Equals(IntegrationId, other.IntegrationId, StringComparison.Ordinal)
        && Score == other.Score
        && Because.SequenceEqual(other.Because)
        && Reasons.SequenceEqual(other.Reasons, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(IntegrationId, Score, Because.Count);
}

/// <summary>
/// Who has which integration installed, and how many accounts have each pair of integrations installed together,
/// maintained as installs arrive so that a recommendation never scans the accounts.
/// <para><b>State.</b> For each account, its active integrations I(a); for each integration i, the row
/// co(i, ·): co(i, j) = the number of accounts with both i and j active (symmetric, i ≠ j, zero entries dropped); and the
/// active installs n(i). Only active installs count: an uninstall takes the account out of every count it was in.</para>
/// <para><b>Updates.</b> <see cref="Install"/> of j by a: if j ∈ I(a) nothing changes (installs are idempotent);
/// otherwise co(i, j) and co(j, i) go up by 1 for every i ∈ I(a), then j joins I(a). <see cref="Uninstall"/> is the
/// exact reverse, and does nothing when j ∉ I(a). Cost: O(|I(a)|).</para>
/// <para><b>Recommendations</b> (<see cref="Recommend"/>) for account a, item-to-item: every integration j ∉ I(a) with
/// score(j) = Σ_{i ∈ I(a)} co(i, j) &gt; 0 is a candidate ("accounts that installed what this account installed also
/// installed j"; an account sharing two of a's integrations and having j counts twice, being the more alike). Ranked
/// by score descending, then integrationId ordinal ascending; the first k are returned. Cost:
/// O(Σ_{i ∈ I(a)} |co(i, ·)| + c log c) for c candidates: the account's integrations and their rows, never the number of
/// accounts. An account with nothing installed gets no recommendation.</para>
/// <para>Account ids are used as given: pass them normalized (<see cref="Accounts.AccountDomain.Normalize"/>, as events
/// carry them). Integration ids are compared ordinally.</para>
/// </summary>
[GenerateSerializer, Alias("eco.CoInstallIndex")]
public sealed class CoInstallIndex
{
    // Default (ordinal) comparers throughout, so that the collections serialize without a comparer.
    [Id(0)] private Dictionary<string, HashSet<string>> _installed = [];
    [Id(1)] private Dictionary<string, Dictionary<string, int>> _co = [];
    [Id(2)] private Dictionary<string, int> _active = [];

    /// <summary>Accounts with at least one active install.</summary>
    public int AccountsWithInstalls => _installed.Count;

    /// <summary>Makes <paramref name="integrationId"/> active for <paramref name="accountId"/>; false when it already was.</summary>
    public bool Install(string accountId, string integrationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        if (!_installed.TryGetValue(accountId, out var mine))
        {
            _installed[accountId] = mine = [];
        }

        if (mine.Contains(integrationId))
        {
            return false;
        }

        foreach (var other in mine)
        {
            Bump(integrationId, other, +1);
            Bump(other, integrationId, +1);
        }

        mine.Add(integrationId);
        _active[integrationId] = _active.GetValueOrDefault(integrationId) + 1;
        return true;
    }

    /// <summary>Ends the active install; false when there was none.</summary>
    public bool Uninstall(string accountId, string integrationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        if (!_installed.TryGetValue(accountId, out var mine) || !mine.Remove(integrationId))
        {
            return false;
        }

        foreach (var other in mine)
        {
            Bump(integrationId, other, -1);
            Bump(other, integrationId, -1);
        }

        if (mine.Count == 0)
        {
            _installed.Remove(accountId);
        }

        if (_active.GetValueOrDefault(integrationId) <= 1)
        {
            _active.Remove(integrationId);
        }
        else
        {
            _active[integrationId]--;
        }

        return true;
    }

    public bool HasInstalled(string accountId, string integrationId) =>
        _installed.TryGetValue(accountId, out var mine) && mine.Contains(integrationId);

    /// <summary>The account's active integrations, in ordinal order.</summary>
    public IReadOnlyList<string> InstalledBy(string accountId) =>
        _installed.TryGetValue(accountId, out var mine) ? mine.Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>co(a, b): accounts with both active (0 for a = b).</summary>
    public int CoInstalls(string integrationA, string integrationB) =>
        _co.TryGetValue(integrationA, out var row) ? row.GetValueOrDefault(integrationB) : 0;

    /// <summary>n(i): accounts with an active install of the integration.</summary>
    public int ActiveInstalls(string integrationId) => _active.GetValueOrDefault(integrationId);

    /// <summary>
    /// Up to <paramref name="k"/> integrations the account does not have, ranked as the class summary says.
    /// <paramref name="eligible"/>, when given, keeps only the integrations it accepts (e.g. certified and matching the
    /// marketplace query); it is asked at most once per candidate.
    /// </summary>
    public IReadOnlyList<CoInstallRecommendation> Recommend(string accountId, int k, Func<string, bool>? eligible = null)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (k <= 0 || !_installed.TryGetValue(accountId, out var mine))
        {
            return [];
        }

        var candidates = new Dictionary<string, List<CoInstallEvidence>>(StringComparer.Ordinal);
        foreach (var installed in mine)
        {
            if (!_co.TryGetValue(installed, out var row))
            {
                continue;
            }

            foreach (var (other, count) in row)
            {
                if (count <= 0 || mine.Contains(other))
                {
                    continue;
                }

                if (!candidates.TryGetValue(other, out var because))
                {
                    candidates[other] = because = [];
                }

                because.Add(new CoInstallEvidence(installed, count));
            }
        }

        return candidates
            .Select(kv => (Id: kv.Key, Score: kv.Value.Sum(b => b.Accounts), Because: kv.Value))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .Where(c => eligible is null || eligible(c.Id))
            .Take(k)
            .Select(c =>
            {
                var because = c.Because
                    .OrderByDescending(b => b.Accounts)
                    .ThenBy(b => b.InstalledIntegrationId, StringComparer.Ordinal)
                    .ToList();
                var reasons = because
                    .Select(b => Inv($"{Count(b.Accounts, "account", "accounts")} that installed {b.InstalledIntegrationId} also installed {c.Id}"))
                    .ToList();
                return new CoInstallRecommendation(c.Id, c.Score, because, reasons);
            })
            .ToList();
    }

    private void Bump(string from, string to, int delta)
    {
        if (!_co.TryGetValue(from, out var row))
        {
            if (delta <= 0)
            {
                return;
            }

            _co[from] = row = [];
        }

        var count = row.GetValueOrDefault(to) + delta;
        if (count > 0)
        {
            row[to] = count;
        }
        else
        {
            row.Remove(to);
            if (row.Count == 0)
            {
                _co.Remove(from);
            }
        }
    }
}
