using Ecosystem.Contracts.Keys;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Hubs;

namespace Ecosystem.Host.Api;

public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/api-keys").RequireAuthorization(Policies.Admin).WithTags("API keys");
        api.MapPost("/", Create).WithSummary("Mint a partner or rep key. The key is shown once; only its hash is stored.");
        api.MapDelete("/{id}", Revoke).WithSummary("Revoke a key at once.");
        return app;
    }

    public sealed record CreateKeyRequest(string? Role, string? PartnerId, string? UserId);

    public sealed record CreatedKey(string Id, string Key, string Role, string? PartnerId, string? UserId);

    private static async Task<IResult> Create(CreateKeyRequest? body, IGrainFactory grains, ILogger<CreateKeyRequest> logger)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "is required");
        }

        var errors = new Dictionary<string, string[]>();
        switch (body.Role)
        {
            case Roles.Partner when !Ids.IsValid(body.PartnerId):
                errors["partnerId"] = ["is required for a partner key (1-200 printable characters)"];
                break;
            case Roles.Rep when !Ids.IsValid(body.UserId):
                errors["userId"] = ["is required for a rep key (1-200 printable characters)"];
                break;
            case Roles.Partner or Roles.Rep:
                break;
            default:
                errors["role"] = ["must be 'partner' or 'rep'"];
                break;
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var partnerId = body.Role == Roles.Partner ? body.PartnerId : null;
        var userId = body.Role == Roles.Rep ? body.UserId : null;
        while (true)
        {
            var (id, key, hash) = ApiKeys.Mint();
            if (await grains.GetGrain<IApiKeyGrain>(id).Create(new Principal(id, body.Role!, partnerId, userId), hash))
            {
                logger.LogInformation("API key {KeyId} created for {Role} {Subject}", id, body.Role, partnerId ?? userId);
                return TypedResults.Created(Ids.Path("/api/api-keys", id), new CreatedKey(id, key, body.Role!, partnerId, userId));
            }
        }
    }

    private static async Task<IResult> Revoke(string id, IGrainFactory grains, HubConnections hubConnections, ILogger<CreateKeyRequest> logger)
    {
        if (!Ids.IsValid(id))
        {
            return Problems.NotFound("This API key");
        }

        if (!await grains.GetGrain<IApiKeyGrain>(id).Revoke())
        {
            return Problems.NotFound($"API key '{id}'");
        }

        // This node's connections close now; the other nodes' within a second (KeyRevocationWatcher).
        var closed = hubConnections.Close(id);
        logger.LogInformation("API key {KeyId} revoked; {Count} hub connections on this node closed", id, closed);
        return TypedResults.NoContent();
    }
}
