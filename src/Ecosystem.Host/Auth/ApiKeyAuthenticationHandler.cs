using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Ecosystem.Contracts.Keys;
using Ecosystem.Host.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ecosystem.Host.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> on HTTP; on the SignalR hub also <c>access_token</c> in the
/// query string (browsers cannot set headers on a WebSocket upgrade). Keys are never logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<EcosystemOptions> ecosystem,
    IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HubPath = "/hubs";

    private readonly byte[] _adminHash = ApiKeys.Hash(ecosystem.Value.AdminApiKey);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey();
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        Principal? principal;
        if (CryptographicOperations.FixedTimeEquals(ApiKeys.Hash(key), _adminHash))
        {
            principal = new Principal("admin", Roles.Admin, null, "admin");
        }
        else if (ApiKeys.TryParse(key, out var id, out var secretHash))
        {
            principal = await grains.GetGrain<IApiKeyGrain>(id).Authenticate(secretHash);
        }
        else
        {
            principal = null;
        }

        if (principal is null)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var identity = new ClaimsIdentity(PrincipalClaims.ToClaims(principal), SchemeName, PrincipalClaims.Name, PrincipalClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private string? ReadKey()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length == 0 ? null : value;
        }

        if (Request.Path.StartsWithSegments(HubPath) && Request.Query.TryGetValue("access_token", out var token) && !string.IsNullOrEmpty(token))
        {
            return token.ToString();
        }

        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send a valid API key as 'Authorization: Bearer <key>'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API key is not allowed to do this.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}

public static class PrincipalClaims
{
    public const string Name = "name";
    public const string Role = "role";
    private const string KeyId = "key_id";
    private const string PartnerId = "partner_id";
    private const string UserId = "user_id";

    public static IEnumerable<Claim> ToClaims(Principal p)
    {
        yield return new Claim(KeyId, p.KeyId);
        yield return new Claim(Role, p.Role);
        yield return new Claim(Name, p.DisplayName);
        if (p.PartnerId is not null)
        {
            yield return new Claim(PartnerId, p.PartnerId);
        }

        if (p.UserId is not null)
        {
            yield return new Claim(UserId, p.UserId);
        }
    }

    /// <summary>The authenticated caller. Only valid behind an authorization requirement.</summary>
    public static Principal ToPrincipal(this ClaimsPrincipal user) => new(
        user.FindFirstValue(KeyId) ?? throw new InvalidOperationException("Not authenticated."),
        user.FindFirstValue(Role)!,
        user.FindFirstValue(PartnerId),
        user.FindFirstValue(UserId));
}

public static class Policies
{
    public const string Admin = "admin";
    public const string Internal = "internal";

    public static IServiceCollection AddEcosystemAuth(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Internal, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Rep));
        return services;
    }
}
