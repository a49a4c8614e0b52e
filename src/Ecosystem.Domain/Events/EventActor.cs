namespace Ecosystem.Domain.Events;

/// <summary>
/// Who sent an event: the key (or, later, the person) it came with, or the engine itself for events it writes (a
/// converted lead's referral touch). Recorded with every event in the log and shown by every read of it; never a secret.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.EventActor")]
public sealed record EventActor(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Role,
    [property: Id(2)] string? PartnerId = null,
    [property: Id(3)] string? UserId = null)
{
    public const string EngineRole = "engine";

    /// <summary>The engine's own events.</summary>
    public static readonly EventActor Engine = new("engine", EngineRole);

    /// <summary>What events logged before actors were recorded read back as: nobody can say who sent them.</summary>
    public static readonly EventActor Unrecorded = new("unrecorded", "unknown");

    /// <summary>The name a person reads for this actor in a deal's claims ("reviewed by"): the user, the partner, or the role.</summary>
    public string DisplayName => UserId ?? PartnerId ?? Role;
}
