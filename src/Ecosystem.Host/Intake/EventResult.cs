namespace Ecosystem.Host.Intake;

public static class EventStatus
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>
/// One line of the intake's answer, in the order the events were sent. A rejected event has its reason in
/// <see cref="Error"/>; when the event itself is invalid, <see cref="Errors"/> also lists every problem keyed by field,
/// in the same shape as a 400's <c>errors</c> map.
/// </summary>
public sealed record EventResult(string? Id, string Status, string? Error = null, IReadOnlyDictionary<string, string[]>? Errors = null);

public sealed record EventsResponse(IReadOnlyList<EventResult> Results);
