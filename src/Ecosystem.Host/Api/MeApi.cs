using Ecosystem.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ecosystem.Host.Api;

/// <summary>Who a key acts as, so a client (the web pages) can show the right page without being told the role.</summary>
public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Get).RequireAuthorization().WithTags("API keys")
            .WithSummary("Who this key acts as: role (admin, rep or partner), partnerId or userId, and the name shown in deal rooms.");
        return app;
    }

    /// <summary><c>name</c> is what deal rooms show for this key (presence, chat author).</summary>
    public sealed record MeView(string Role, string? PartnerId, string? UserId, string Name);

    private static Ok<MeView> Get(HttpContext http)
    {
        var who = http.User.ToPrincipal();
        return TypedResults.Ok(new MeView(who.Role, who.PartnerId, who.UserId, who.DisplayName));
    }
}
