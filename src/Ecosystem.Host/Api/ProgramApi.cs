using System.Text.Json;
using Ecosystem.Contracts.Program;
using Ecosystem.Domain.Program;
using Ecosystem.Host.Auth;

namespace Ecosystem.Host.Api;

public static class ProgramApi
{
    public static IEndpointRouteBuilder MapProgramApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/program").RequireAuthorization().WithTags("Program");
        api.MapGet("/", Get).WithSummary("The partner program: attribution, registration, routing, tiers, health, currency.");
        api.MapPut("/", Put).RequireAuthorization(Policies.Admin)
            .Accepts<ProgramSettings>("application/json")
            .WithSummary("Replace the program as a whole. Omitted sections take their defaults; unknown fields are refused.");
        return app;
    }

    // Unknown fields are refused so that a misspelt knob is an error, not a silently ignored setting.
    private static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static async Task<IResult> Get(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IProgramGrain>(IProgramGrain.Key).Get());

    private static async Task<IResult> Put(HttpRequest request, IGrainFactory grains, Grains.Program.ProgramCache cache, CancellationToken ct)
    {
        ProgramSettings? settings;
        try
        {
            settings = await JsonSerializer.DeserializeAsync<ProgramSettings>(request.Body, StrictJson, ct);
        }
        catch (JsonException ex)
        {
            return Problems.Invalid(string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path.TrimStart('$', '.'), ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge();
        }

        if (settings is null)
        {
            return Problems.Invalid("body", "is required");
        }

        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors.ToDictionary(kv => kv.Key, kv => kv.Value));
        }

        await grains.GetGrain<IProgramGrain>(IProgramGrain.Key).Set(settings);
        cache.Set(settings);
        return TypedResults.Ok(settings);
    }
}
