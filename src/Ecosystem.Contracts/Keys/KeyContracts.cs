using Orleans.Concurrency;
namespace Ecosystem.Contracts.Keys;

/// <summary>
/// One API key. The grain is keyed by the key's public id; it keeps only a hash of the secret,
/// so a database dump cannot be used to call the API.
/// </summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Stores a new key. Returns false when the id is taken (ids are random; a clash is retried).</summary>
    Task<bool> Create(Principal principal, byte[] secretHash);

    /// <summary>The key's principal when the hash matches and the key is not revoked.</summary>
    [AlwaysInterleave]
    Task<Principal?> Authenticate(byte[] secretHash);

    /// <summary>Revokes the key. Returns false when no such key exists.</summary>
    Task<bool> Revoke();

    /// <summary>True while the key exists and is not revoked; hub nodes ask it to close connections of revoked keys.</summary>
    [AlwaysInterleave]
    Task<bool> IsActive();
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Rep = "rep";
    public const string Partner = "partner";
}

/// <summary>Who a key acts as.</summary>
[GenerateSerializer, Immutable, Alias("eco.Principal")]
public sealed record Principal(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Role,
    [property: Id(2)] string? PartnerId,
    [property: Id(3)] string? UserId)
{
    public bool IsAdmin => Role == Roles.Admin;
    public bool IsRep => Role == Roles.Rep;
    public bool IsPartner => Role == Roles.Partner;
    public bool IsInternal => IsAdmin || IsRep;

    /// <summary>The name shown for this principal in deal rooms and logs (never the key itself).</summary>
    public string DisplayName => PartnerId ?? UserId ?? Role;

    /// <summary>The sender recorded with the events this principal sends.</summary>
    public Ecosystem.Domain.Events.EventActor ToActor() => new(KeyId, Role, PartnerId, UserId);
}
