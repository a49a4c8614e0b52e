namespace Ecosystem.Domain.Accounts;

/// <summary>
/// Customer accounts are identified by their web domain. Partners type them by hand, so the same
/// company arrives as "Acme.com", "www.acme.com.", "https://acme.com/about" or " ACME.COM ".
/// Normalizing them is what lets a registration conflict be detected at all.
/// </summary>
public static class AccountDomain
{
    public static string Normalize(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        var s = accountId.Trim().ToLowerInvariant();

        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            s = s[(scheme + 3)..];
        }

        // Drop any path, query or fragment, then user info and port: none of them names the company.
        var cut = s.IndexOfAny(['/', '?', '#']);
        if (cut >= 0)
        {
            s = s[..cut];
        }

        var at = s.LastIndexOf('@');
        if (at >= 0)
        {
            s = s[(at + 1)..];
        }

        if (s.StartsWith('[') && s.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            s = s[..(close + 1)]; // an IPv6 literal keeps its colons
        }
        else if (s.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            s = s[..colon];
        }

        s = s.TrimEnd('.');

        // "www.acme.com" and "www.www.acme.com" are acme.com, but "www.com" is a domain of its own.
        while (s.StartsWith("www.", StringComparison.Ordinal) && s.IndexOf('.', 4) > 4)
        {
            s = s[4..];
        }

        // A value that normalizes to nothing (e.g. "https://") is kept as typed, lowercased, so it
        // still identifies something rather than collapsing every such account into one.
        return s.Length == 0 ? accountId.Trim().ToLowerInvariant() : s;
    }
}
