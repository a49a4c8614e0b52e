using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Leads;
using Ecosystem.Host.Auth;

namespace Ecosystem.Host.Api;

public static class DealsApi
{
    public static IEndpointRouteBuilder MapDealsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Deals and leads");
        api.MapGet("/deals/{dealId}", GetDeal).WithSummary("The deal view with its timeline. A partner key sees deals it registered or touched.");
        api.MapGet("/deals/{dealId}/attribution", GetAttribution)
            .WithSummary("Credits under a model (default: the program's), each with the touches that earned it.");
        api.MapGet("/leads", ListLeads).RequireAuthorization(Policies.Internal)
            .WithSummary("Leads by status; today status=unroutable (the channel team's queue), newest first.");
        api.MapGet("/leads/{leadId}", GetLead).WithSummary("The lead with its history. A partner key sees leads offered to it.");
        return app;
    }

    private static async Task<IResult> GetDeal(string dealId, HttpContext http, IGrainFactory grains, Visibility visibility)
    {
        if (!Ids.IsValid(dealId))
        {
            return Problems.NotFound("This deal");
        }

        var deal = grains.GetGrain<IDealGrain>(dealId);
        if (!await visibility.CanSeeDealAsync(http.User.ToPrincipal(), dealId))
        {
            return Problems.NotFound($"Deal '{dealId}'");
        }

        var view = await deal.GetView();
        return view is null ? Problems.NotFound($"Deal '{dealId}'") : TypedResults.Ok(view);
    }

    private static async Task<IResult> GetAttribution(string dealId, string? model, HttpContext http, IGrainFactory grains, Visibility visibility)
    {
        if (model is not null && !Domain.Program.AttributionModels.All.Contains(model))
        {
            return Problems.Invalid("model", $"must be one of {string.Join(", ", Domain.Program.AttributionModels.All)}");
        }

        if (!Ids.IsValid(dealId))
        {
            return Problems.NotFound("This deal");
        }

        var deal = grains.GetGrain<IDealGrain>(dealId);
        if (!await visibility.CanSeeDealAsync(http.User.ToPrincipal(), dealId))
        {
            return Problems.NotFound($"Deal '{dealId}'");
        }

        if (await deal.GetView() is null)
        {
            return Problems.NotFound($"Deal '{dealId}'");
        }

        var attribution = await deal.GetAttribution(model);
        return attribution is null
            ? Problems.Conflict($"Deal '{dealId}' has no amount yet, so there is nothing to attribute.")
            : TypedResults.Ok(attribution);
    }

    private static async Task<IResult> ListLeads(string? status, int? limit, IGrainFactory grains)
    {
        if (status != Contracts.Leads.LeadStatus.Unroutable)
        {
            return Problems.Invalid("status", "must be 'unroutable'");
        }

        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "must be from 1 to 1000");
        }

        var ids = await grains.GetGrain<IUnroutableLeadsGrain>(IUnroutableLeadsGrain.Key).List(limit ?? 100);
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<ILeadGrain>(id).GetView()));
        return TypedResults.Ok(new { leads = views.Where(v => v is not null).ToList() });
    }

    private static async Task<IResult> GetLead(string leadId, HttpContext http, IGrainFactory grains)
    {
        if (!Ids.IsValid(leadId))
        {
            return Problems.NotFound("This lead");
        }

        var view = await grains.GetGrain<ILeadGrain>(leadId).GetView();
        if (view is null || !Visibility.CanSeeLead(http.User.ToPrincipal(), view))
        {
            return Problems.NotFound($"Lead '{leadId}'");
        }

        return TypedResults.Ok(view);
    }
}
