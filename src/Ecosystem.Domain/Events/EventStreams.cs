namespace Ecosystem.Domain.Events;

/// <summary>The kinds of entity whose history the log can be read by.</summary>
public enum StreamKind
{
    Deal,
    Partner,
    Lead,
    Account,
    Integration,

    /// <summary>The one marketplace grain, which hears of every account's activity (not a stream the log is read by).</summary>
    Marketplace,
}
