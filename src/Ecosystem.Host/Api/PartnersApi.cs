using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Money;
using Ecosystem.Host.Auth;

namespace Ecosystem.Host.Api;

public static class PartnersApi
{
    public static IEndpointRouteBuilder MapPartnersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/partners").RequireAuthorization().WithTags("Partners");
        api.MapPut("/{partnerId}", Put).RequireAuthorization(Policies.Admin).WithSummary("Create or replace a partner's profile.");
        api.MapGet("/{partnerId}", Get).WithSummary("The partner view. A partner key reads only its own.");
        api.MapGet("/", List).RequireAuthorization(Policies.Internal)
            .WithSummary("Partners at risk (atRisk=true): health below the program's threshold, or down 15+ points in 7 days.");
        return app;
    }

    public sealed record PartnerRequest(
        string? Name, string? PartnerType, string? Region, List<string>? Industries, bool? AcceptsLeads, int? Capacity, string? PayoutCurrency);

    private static async Task<IResult> Put(string partnerId, PartnerRequest? body, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Ids.IsValid(partnerId))
        {
            errors["partnerId"] = ["must be 1-200 printable characters"];
        }

        if (body is null)
        {
            return Problems.Invalid("body", "is required");
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            errors["name"] = ["is required (at most 200 characters)"];
        }

        if (body.PartnerType is null || !PartnerTypes.All.Contains(body.PartnerType))
        {
            errors["partnerType"] = [$"must be one of {string.Join(", ", PartnerTypes.All)}"];
        }

        if (!Ids.IsValid(body.Region))
        {
            errors["region"] = ["is required (1-200 printable characters)"];
        }

        if (body.Industries is { } industries && (industries.Count > 50 || industries.Any(i => !Ids.IsValid(i))))
        {
            errors["industries"] = ["must be at most 50 names of 1-200 printable characters"];
        }

        if (body.Capacity is < 0 or > 100_000)
        {
            errors["capacity"] = ["must be from 0 to 100000"];
        }

        if (body.PayoutCurrency is { } c && !Currencies.IsKnown(c))
        {
            errors["payoutCurrency"] = ["must be a supported ISO-4217 code"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var profile = new PartnerProfile
        {
            Name = body.Name!,
            PartnerType = body.PartnerType!,
            Region = body.Region!,
            Industries = body.Industries?.Distinct(StringComparer.Ordinal).ToList() ?? [],
            AcceptsLeads = body.AcceptsLeads ?? body.PartnerType == "solutions",
            Capacity = body.Capacity ?? 10,
            PayoutCurrency = body.PayoutCurrency,
        };
        var (view, created) = await grains.GetGrain<IPartnerGrain>(partnerId).PutProfile(profile);
        return created ? TypedResults.Created(Ids.Path("/api/partners", partnerId), view) : TypedResults.Ok(view);
    }

    private static async Task<IResult> List(bool? atRisk, IGrainFactory grains)
    {
        if (atRisk != true)
        {
            return Problems.Invalid("atRisk", "must be true (listing every partner is not offered)");
        }

        var ids = await grains.GetGrain<IAtRiskPartnersGrain>(IAtRiskPartnersGrain.Key).List();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPartnerGrain>(id).GetView()));
        // The view is computed now; the list is kept by the partners' evaluations, which a program change
        // does not trigger. Trust the view where the two disagree.
        return TypedResults.Ok(new { partners = views.Where(v => v is { AtRisk.AtRisk: true }).ToList() });
    }

    private static async Task<IResult> Get(string partnerId, HttpContext http, IGrainFactory grains)
    {
        var who = http.User.ToPrincipal();
        if (!Visibility.CanSeePartner(who, partnerId))
        {
            return Problems.Forbidden("A partner key reads only its own partner record.");
        }

        if (!Ids.IsValid(partnerId))
        {
            return Problems.NotFound("This partner");
        }

        var view = await grains.GetGrain<IPartnerGrain>(partnerId).GetView();
        return view is null ? Problems.NotFound($"Partner '{partnerId}'") : TypedResults.Ok(view);
    }
}
