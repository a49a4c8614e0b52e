namespace Ecosystem.Host.Intake;

public static class EventStatus
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>One line of the intake's answer, in the order the events were sent.</summary>
public sealed record EventResult(string? Id, string Status, string? Error = null);

public sealed record EventsResponse(IReadOnlyList<EventResult> Results);
