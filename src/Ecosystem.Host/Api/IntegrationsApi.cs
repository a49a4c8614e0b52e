using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.Host.Auth;

namespace Ecosystem.Host.Api;

public static class IntegrationsApi
{
    public const int MaxNameLength = 200;
    public const int MaxCategoryLength = 200;

    public static IEndpointRouteBuilder MapIntegrationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/integrations").RequireAuthorization().WithTags("Integrations and marketplace");
        api.MapPut("/{integrationId}", Put)
            .WithSummary("Create or replace an integration's definition: the admin, or the owning technology partner (its own integrations only).");
        api.MapGet("/{integrationId}", Get)
            .WithSummary("The integration with its certification (and history), quality, installs and conversion. A partner key reads only its own.");
        return app;
    }

    public sealed record IntegrationRequest(string? PartnerId, string? Name, string? Category, string? Description);

    private static async Task<IResult> Put(string integrationId, IntegrationRequest? body, HttpContext http, IGrainFactory grains)
    {
        var who = http.User.ToPrincipal();
        if (who.IsRep)
        {
            return Problems.Forbidden("Integrations are managed by the admin or by their technology partner.");
        }

        var errors = new Dictionary<string, string[]>();
        if (!Ids.IsValid(integrationId))
        {
            errors["integrationId"] = ["must be 1-200 printable characters"];
        }

        if (body is null)
        {
            return Problems.Invalid("body", "is required");
        }

        if (!Ids.IsValid(body.PartnerId))
        {
            errors["partnerId"] = ["is required (1-200 printable characters)"];
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > MaxNameLength)
        {
            errors["name"] = [$"is required (at most {MaxNameLength} characters)"];
        }

        if (!Ids.IsValid(body.Category))
        {
            errors["category"] = [$"is required (1-{MaxCategoryLength} printable characters)"];
        }

        if (body.Description is { Length: > EventLimits.MaxTextLength })
        {
            errors["description"] = [$"must be at most {EventLimits.MaxTextLength} characters"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (who.IsPartner && who.PartnerId != body.PartnerId)
        {
            return Problems.Forbidden("A partner key manages only its own integrations: partnerId must be its own.");
        }

        var owner = await grains.GetGrain<IPartnerGrain>(body.PartnerId!).GetView();
        if (who.IsPartner && owner?.PartnerType != "technology")
        {
            return Problems.Forbidden("Only a technology partner manages integrations.");
        }

        if (owner is null)
        {
            return Problems.Invalid("partnerId", $"no partner '{body.PartnerId}' exists");
        }

        var profile = new IntegrationProfile
        {
            PartnerId = body.PartnerId!,
            Name = body.Name!.Trim(),
            Category = body.Category!.Trim(),
            Description = body.Description ?? "",
        };
        // A partner cannot take over another partner's integration; the admin may move one to another owner.
        var result = await grains.GetGrain<IIntegrationGrain>(integrationId).PutDefinition(profile, ownerMayChange: who.IsAdmin);
        if (result.RefusedBecause is { } refused)
        {
            return Problems.Forbidden(refused);
        }

        return result.Created
            ? TypedResults.Created(Ids.Path("/api/integrations", integrationId), result.View)
            : TypedResults.Ok(result.View);
    }

    private static async Task<IResult> Get(string integrationId, HttpContext http, IGrainFactory grains)
    {
        if (!Ids.IsValid(integrationId))
        {
            return Problems.NotFound("This integration");
        }

        var who = http.User.ToPrincipal();
        var view = await grains.GetGrain<IIntegrationGrain>(integrationId).GetView();
        // Another partner's integration answers as one that does not exist: a partner must not learn which exist.
        return view is null || !Visibility.CanSeeIntegration(who, view)
            ? Problems.NotFound($"Integration '{integrationId}'")
            : TypedResults.Ok(view);
    }
}
