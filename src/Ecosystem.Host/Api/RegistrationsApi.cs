using Ecosystem.Contracts.Deals;
using Ecosystem.Domain.Deals;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Storage;
using Ecosystem.EventLog;

namespace Ecosystem.Host.Api;

/// <summary>The channel team's review queue: registrations waiting for <c>deal.registration_reviewed</c>.</summary>
public static class RegistrationsApi
{
    public static IEndpointRouteBuilder MapRegistrationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/registrations", List).RequireAuthorization(Policies.Internal).WithTags("Deals and leads")
            .WithSummary("Registrations by status; today status=pending_review (waiting for an admin or rep), newest first.");
        return app;
    }

    public sealed record PendingRegistration(
        string DealId, string? AccountId, string? RegisteredBy, decimal? Amount, string? Currency, string Stage, string Status, DateTimeOffset? ExpiresAt);

    private static async Task<IResult> List(
        string? status, int? limit, IEventLog log, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (status != RegistrationStatus.PendingReview)
        {
            return Problems.Invalid("status", "must be 'pending_review'");
        }

        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "must be from 1 to 1000");
        }

        var candidates = await log.PendingRegistrationCandidatesAsync(limit ?? 100, cancellationToken);
        var views = await Task.WhenAll(candidates.Select(id => grains.GetGrain<IDealGrain>(id).GetView()));
        // The log says what was decided; the deal says what holds now (it may have expired or closed since).
        var pending = views
            .Where(v => v is { Registration.Status: RegistrationStatus.PendingReview, Outcome: null })
            .Select(v => new PendingRegistration(v!.DealId, v.AccountId, v.RegisteredBy, v.Amount, v.Currency, v.Stage,
                v.Registration!.Status, v.Registration.ExpiresAt))
            .ToList();
        return TypedResults.Ok(new { registrations = pending });
    }
}
