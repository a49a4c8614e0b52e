namespace Ecosystem.Domain.Events;

/// <summary>The kinds of entity whose history the log can be read by.</summary>
public enum StreamKind
{
    Deal,
    Partner,
    Lead,
    Account,
    Integration,
}
