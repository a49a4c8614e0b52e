using System.Text.Json;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Intake;

namespace Ecosystem.Host.Api;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Events");
        api.MapPost("/events", PostEvents)
            .Produces<EventsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Send one activity event or an array of up to 1,000.");
        api.MapGet("/deals/{dealId}/events", DealEvents).WithSummary("The deal's accepted events from the log, oldest first.");
        api.MapGet("/partners/{partnerId}/events", PartnerEvents).WithSummary("The partner's accepted events from the log, oldest first.");
        api.MapGet("/leads/{leadId}/events", LeadEvents).WithSummary("The lead's accepted events from the log, oldest first.");
        return app;
    }

    private static async Task<IResult> PostEvents(HttpContext http, EventIntake intake, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > EventLimits.MaxRequestBytes)
        {
            return Problems.TooLarge();
        }

        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 32 }, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge();
        }
        catch (JsonException ex)
        {
            return Problems.Invalid("body", $"The body is not valid JSON: {ex.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            IReadOnlyList<JsonElement> events;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    events = [root];
                    break;
                case JsonValueKind.Array when root.GetArrayLength() == 0:
                    return Problems.Invalid("body", "The array holds no events.");
                case JsonValueKind.Array when root.GetArrayLength() > EventLimits.MaxEventsPerRequest:
                    return Problems.Invalid("body", $"At most {EventLimits.MaxEventsPerRequest} events per request.");
                case JsonValueKind.Array:
                    events = [.. root.EnumerateArray()];
                    break;
                default:
                    return Problems.Invalid("body", "The body must be an event object or an array of events.");
            }

            try
            {
                var results = await intake.IngestAsync(http.User.ToPrincipal(), events, cancellationToken);
                return TypedResults.Ok(new EventsResponse(results));
            }
            catch (EventLogUnavailableException)
            {
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                    detail: "The event log cannot be written right now. Nothing of this request was accepted; retry it.");
            }
        }
    }

    private static async Task<IResult> DealEvents(string dealId, long? after, int? limit, HttpContext http, Visibility visibility, IEventLog log, CancellationToken ct)
    {
        if (!Ids.IsValid(dealId))
        {
            return Problems.NotFound("This deal");
        }

        if (!await visibility.CanSeeDealAsync(http.User.ToPrincipal(), dealId))
        {
            return Problems.NotFound($"Deal '{dealId}'");
        }

        return await ReadAsync(log, StreamKind.Deal, dealId, after, limit, ct);
    }

    private static async Task<IResult> PartnerEvents(string partnerId, long? after, int? limit, HttpContext http, IEventLog log, CancellationToken ct)
    {
        if (!Visibility.CanSeePartner(http.User.ToPrincipal(), partnerId))
        {
            return Problems.Forbidden("A partner key reads only its own partner's events.");
        }

        if (!Ids.IsValid(partnerId))
        {
            return Problems.NotFound("This partner");
        }

        return await ReadAsync(log, StreamKind.Partner, partnerId, after, limit, ct);
    }

    private static async Task<IResult> LeadEvents(string leadId, long? after, int? limit, HttpContext http, IGrainFactory grains, IEventLog log, CancellationToken ct)
    {
        if (!Ids.IsValid(leadId))
        {
            return Problems.NotFound("This lead");
        }

        var who = http.User.ToPrincipal();
        if (who.IsPartner && (await grains.GetGrain<ILeadGrain>(leadId).GetView() is not { } lead || !Visibility.CanSeeLead(who, lead)))
        {
            return Problems.NotFound($"Lead '{leadId}'");
        }

        return await ReadAsync(log, StreamKind.Lead, leadId, after, limit, ct);
    }

    private static async Task<IResult> ReadAsync(IEventLog log, StreamKind kind, string key, long? after, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "must be from 1 to 1000");
        }

        var page = await log.ReadStreamAsync(kind, key, after ?? 0, limit ?? 1000, ct);
        return TypedResults.Ok(new EventPage(page.Select(EventEntry.From).ToList(), page.Count == 0 ? null : page[^1].Seq));
    }
}

/// <summary>A page of the log. <c>next</c> is the <c>after</c> to ask for the following page.</summary>
public sealed record EventPage(IReadOnlyList<EventEntry> Events, long? Next);

/// <summary>
/// One event of the log: the event as the engine holds it (flat, as sent), who sent it, and for a registration the
/// decision its account took; <c>claim</c> is true for a partner's touch on a deal it was not part of.
/// </summary>
public sealed record EventEntry(long Seq, DateTimeOffset AcceptedAt, ActivityEvent Event, EventActor Actor,
    Domain.Deals.RegistrationDecision? Registration = null, bool? Claim = null)
{
    public static EventEntry From(LoggedEvent e) => new(e.Seq, e.AcceptedAt, e.Event, e.Actor, e.Registration, e.IsClaim ? true : null);
}
