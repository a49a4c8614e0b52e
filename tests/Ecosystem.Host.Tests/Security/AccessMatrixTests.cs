using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Ecosystem.Host.Hubs;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests.Security;

/// <summary>
/// Every route of the OpenAPI document and every hub method, tried with every kind of caller, against
/// the contract's scopes: 401 without a valid key (none, forged, revoked), 403 or 404 out of scope,
/// success in scope. A route or hub method without a row here fails the test: new surface needs a row.
/// </summary>
public sealed class AccessMatrixTests(SecurityScene scene) : IClassFixture<SecurityScene>
{
    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();
    private static readonly Caller[] Unauthenticated = [Caller.NoKey, Caller.BadKey, Caller.RevokedKey];

    /// <summary>Who may call a route, and the status an out-of-scope partner gets.</summary>
    private enum Scope
    {
        /// <summary>Any valid key.</summary>
        AnyKey,

        /// <summary>Admin and rep keys; partner keys get 403.</summary>
        Internal,

        /// <summary>The admin key only; rep and partner keys get 403.</summary>
        Admin,

        /// <summary>Admin, rep and the partner concerned; another partner gets 403 (the resource is the partner itself).</summary>
        PartnerSelf403,

        /// <summary>Admin, rep and the partner concerned; another partner gets 404 (existence must not leak).</summary>
        PartnerScoped404,

        /// <summary>Admin and the owning partner; rep and other partners get 403.</summary>
        AdminOrOwner,
    }

    /// <param name="Request">Builds the request (path ids from the scene, a body where needed).</param>
    /// <param name="Success">The status when allowed.</param>
    /// <param name="Check">Further checks of an allowed answer, by caller.</param>
    private sealed record RouteCase(
        Scope Scope,
        Func<SecurityScene, Task<HttpRequestMessage>> Request,
        HttpStatusCode Success = HttpStatusCode.OK,
        Func<Caller, JsonElement, string?>? Check = null);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, new Uri(path, UriKind.Relative));

    private static HttpRequestMessage With(HttpMethod method, string path, object body) =>
        new(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };

    /// <summary>The table: one row per "METHOD /path" of the OpenAPI document.</summary>
    private static readonly Dictionary<string, RouteCase> Routes = new(StringComparer.Ordinal)
    {
        ["POST /api/events"] = new(Scope.AnyKey,
            s => Task.FromResult(With(HttpMethod.Post, "/api/events", Events.Engaged(Events.Id("e"), s.PartnerId))),
            Check: (caller, body) =>
            {
                // Partner P's own event: the admin and P get it accepted; partner Q and the rep (not a deal or lead event) get it rejected.
                var expected = caller is Caller.Admin or Caller.Partner ? "accepted" : "rejected";
                var status = body.GetProperty("results")[0].GetProperty("status").GetString();
                return status == expected ? null : $"event {status}, expected {expected}";
            }),
        ["GET /api/deals/{dealId}/events"] = new(Scope.PartnerScoped404, s => Task.FromResult(Get($"/api/deals/{s.DealId}/events"))),
        ["GET /api/partners/{partnerId}/events"] = new(Scope.PartnerSelf403, s => Task.FromResult(Get($"/api/partners/{s.PartnerId}/events"))),
        ["GET /api/leads/{leadId}/events"] = new(Scope.PartnerScoped404, s => Task.FromResult(Get($"/api/leads/{s.LeadId}/events"))),
        ["POST /api/api-keys"] = new(Scope.Admin,
            _ => Task.FromResult(With(HttpMethod.Post, "/api/api-keys", new { role = "rep", userId = "matrix" })), HttpStatusCode.Created),
        ["DELETE /api/api-keys/{id}"] = new(Scope.Admin, async s =>
        {
            var (id, _) = await TestKeys.RepAsync(s.Host, "to-revoke");
            return new HttpRequestMessage(HttpMethod.Delete, new Uri($"/api/api-keys/{id}", UriKind.Relative));
        }, HttpStatusCode.NoContent),
        ["PUT /api/partners/{partnerId}"] = new(Scope.Admin, s => Task.FromResult(With(HttpMethod.Put, $"/api/partners/{s.PartnerId}", s.PartnerProfile))),
        ["GET /api/partners/{partnerId}"] = new(Scope.PartnerSelf403, s => Task.FromResult(Get($"/api/partners/{s.PartnerId}"))),
        ["GET /api/partners"] = new(Scope.Internal, _ => Task.FromResult(Get("/api/partners?atRisk=true"))),
        ["GET /api/program"] = new(Scope.AnyKey, _ => Task.FromResult(Get("/api/program"))),
        ["PUT /api/program"] = new(Scope.Admin, _ => Task.FromResult(With(HttpMethod.Put, "/api/program", new { }))),
        ["GET /api/deals/{dealId}"] = new(Scope.PartnerScoped404, s => Task.FromResult(Get($"/api/deals/{s.DealId}"))),
        ["GET /api/deals/{dealId}/attribution"] = new(Scope.PartnerScoped404, s => Task.FromResult(Get($"/api/deals/{s.DealId}/attribution"))),
        ["GET /api/leads"] = new(Scope.Internal, _ => Task.FromResult(Get("/api/leads?status=unroutable"))),
        ["GET /api/leads/{leadId}"] = new(Scope.PartnerScoped404, s => Task.FromResult(Get($"/api/leads/{s.LeadId}"))),
        ["GET /api/admin/cluster"] = new(Scope.Admin, _ => Task.FromResult(Get("/api/admin/cluster"))),
        ["POST /api/admin/replay"] = new(Scope.Admin,
            _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri("/api/admin/replay", UriKind.Relative))), HttpStatusCode.Accepted),
        ["GET /api/admin/replay"] = new(Scope.Admin, _ => Task.FromResult(Get("/api/admin/replay"))),
        ["GET /api/metrics"] = new(Scope.Internal, _ => Task.FromResult(Get("/api/metrics"))),
        ["PUT /api/integrations/{integrationId}"] = new(Scope.AdminOrOwner,
            s => Task.FromResult(With(HttpMethod.Put, $"/api/integrations/{s.IntegrationId}", s.IntegrationDefinition))),
        ["GET /api/integrations/{integrationId}"] = new(Scope.PartnerScoped404, s => Task.FromResult(Get($"/api/integrations/{s.IntegrationId}"))),
        ["GET /api/marketplace"] = new(Scope.AnyKey, _ => Task.FromResult(Get("/api/marketplace?category=crm&q=sync"))),
        ["GET /api/marketplace/metrics"] = new(Scope.Internal, _ => Task.FromResult(Get("/api/marketplace/metrics"))),
        ["GET /api/me"] = new(Scope.AnyKey, _ => Task.FromResult(Get("/api/me")), Check: (caller, body) =>
        {
            var expected = caller switch { Caller.Admin => "admin", Caller.Rep => "rep", _ => "partner" };
            return body.GetProperty("role").GetString() == expected ? null : $"role {body.GetProperty("role")}, expected {expected}";
        }),
        ["GET /api/registrations"] = new(Scope.Internal, _ => Task.FromResult(Get("/api/registrations?status=pending_review"))),
        ["GET /api/log"] = new(Scope.Internal, _ => Task.FromResult(Get("/api/log"))),
    };

    private static HttpStatusCode[] Expected(RouteCase route, Caller caller)
    {
        if (Unauthenticated.Contains(caller))
        {
            return [HttpStatusCode.Unauthorized];
        }

        var allowed = route.Scope switch
        {
            Scope.AnyKey => true,
            Scope.Internal => caller is Caller.Admin or Caller.Rep,
            Scope.Admin => caller is Caller.Admin,
            Scope.AdminOrOwner => caller is Caller.Admin or Caller.Partner,
            _ => caller is not Caller.OtherPartner,
        };
        if (allowed)
        {
            return [route.Success];
        }

        return route.Scope == Scope.PartnerScoped404 ? [HttpStatusCode.NotFound] : [HttpStatusCode.Forbidden];
    }

    private static async Task<List<string>> OpenApiRoutesAsync(HostProcess host)
    {
        using var http = host.Client(null);
        var doc = await (await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).ReadAsync();
        var methods = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "get", "put", "post", "delete", "patch", "head", "options", "trace" };
        return [.. doc.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => methods.Contains(op.Name)).Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))];
    }

    [Fact]
    public async Task Every_route_in_the_OpenAPI_document_answers_each_kind_of_caller_as_the_contract_says()
    {
        var routes = await OpenApiRoutesAsync(scene.Host);
        var failures = new List<string>();
        var missing = routes.Where(r => !Routes.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            failures.Add($"routes without a row in the access matrix (add one): {string.Join(", ", missing)}");
        }

        Assert.True(routes.Count >= Routes.Count - 1, $"the OpenAPI document lists only {routes.Count} routes: {string.Join(", ", routes)}");
        foreach (var route in routes.Where(Routes.ContainsKey))
        {
            var row = Routes[route];
            foreach (var caller in Everyone)
            {
                using var http = scene.Host.Client(scene.KeyOf(caller));
                using var request = await row.Request(scene);
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var expected = Expected(row, caller);
                if (!expected.Contains(response.StatusCode))
                {
                    failures.Add($"{route} as {caller}: {(int)response.StatusCode}, expected {string.Join(" or ", expected.Select(e => (int)e))} ({Shorten(text)})");
                    continue;
                }

                if (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{route} as {caller}: {(int)response.StatusCode} without a problem+json body");
                }

                if (response.IsSuccessStatusCode && row.Check is not null && row.Check(caller, JsonDocument.Parse(text).RootElement) is { } problem)
                {
                    failures.Add($"{route} as {caller}: {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>Who may call a hub method (no row: the test fails), and its arguments.</summary>
    private sealed record HubCase(Func<SecurityScene, object?[]> Arguments, Func<Caller, bool> Allowed);

    private static readonly Dictionary<string, HubCase> HubMethods = new(StringComparer.Ordinal)
    {
        [nameof(EcosystemHub.JoinDeal)] = new(s => [s.DealId], c => c != Caller.OtherPartner),
        [nameof(EcosystemHub.SendDealMessage)] = new(s => [s.DealId, "hello from the matrix"], c => c != Caller.OtherPartner),
        [nameof(EcosystemHub.LeaveDeal)] = new(s => [s.DealId], _ => true),
        [nameof(EcosystemHub.WatchPartner)] = new(s => [s.PartnerId], c => c != Caller.OtherPartner),
        [nameof(EcosystemHub.UnwatchPartner)] = new(s => [s.PartnerId], _ => true),
        [nameof(EcosystemHub.WatchDashboard)] = new(_ => [], c => c is Caller.Admin or Caller.Rep),
    };

    /// <summary>The hub's own public methods (what a client can invoke), found by reflection so a new one cannot be missed.</summary>
    private static List<string> DeclaredHubMethods() =>
    [
        .. typeof(EcosystemHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType == typeof(EcosystemHub) && !m.IsSpecialName)
            .Select(m => m.Name)
            .Distinct(),
    ];

    [Fact]
    public async Task Every_hub_method_answers_each_kind_of_caller_as_the_contract_says()
    {
        var failures = new List<string>();
        var declared = DeclaredHubMethods();
        var missing = declared.Where(m => !HubMethods.ContainsKey(m)).ToList();
        if (missing.Count > 0)
        {
            failures.Add($"hub methods without a row in the access matrix (add one): {string.Join(", ", missing)}");
        }

        foreach (var caller in Unauthenticated)
        {
            await using var hub = scene.Hub(caller);
            var refused = await Record.ExceptionAsync(() => hub.StartAsync());
            if (refused is not HttpRequestException { StatusCode: HttpStatusCode.Unauthorized })
            {
                failures.Add($"hub connection as {caller}: expected a 401 refusal, got {refused?.GetType().Name ?? "a connection"} {refused?.Message}");
            }

            await using var browserLike = HubClient.CreateWithQueryToken(scene.Host, scene.KeyOf(caller) ?? "", caller.ToString());
            if (await Record.ExceptionAsync(() => browserLike.Connection.StartAsync()) is null)
            {
                failures.Add($"hub connection as {caller} with access_token in the query string: connected");
            }
        }

        foreach (var caller in Everyone.Except(Unauthenticated))
        {
            await using var hub = scene.Hub(caller);
            await hub.StartAsync();
            foreach (var method in declared.Where(HubMethods.ContainsKey))
            {
                var row = HubMethods[method];
                var error = await Record.ExceptionAsync(() => hub.InvokeCoreAsync(method, typeof(JsonElement?), row.Arguments(scene)));
                if (row.Allowed(caller) && error is not null)
                {
                    failures.Add($"{method} as {caller}: {error.GetType().Name} {error.Message}");
                }
                else if (!row.Allowed(caller) && error is not HubException)
                {
                    failures.Add($"{method} as {caller}: expected a refusal, got {error?.GetType().Name ?? "success"}");
                }
                else if (error is HubException refusal && !RefusedCleanly(refusal))
                {
                    failures.Add($"{method} as {caller}: the server failed instead of refusing: {refusal.Message}");
                }
            }

            if (hub.State != HubConnectionState.Connected)
            {
                failures.Add($"the connection as {caller} did not survive its refusals");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\nHost log (tail):\n" + string.Join('\n', scene.Host.Output.Split('\n').TakeLast(30)));
    }

    [Fact]
    public async Task Revoking_a_key_closes_its_open_hub_connections_within_5_s()
    {
        var (id, key) = await TestKeys.PartnerAsync(scene.Host, scene.PartnerId);
        await using var first = await HubClient.ConnectAsync(scene.Host, key, scene.PartnerId);
        await using var second = HubClient.CreateWithQueryToken(scene.Host, key, scene.PartnerId);
        await second.Connection.StartAsync();
        await first.JoinDealAsync(scene.DealId);
        await using var bystander = await HubClient.ConnectAsync(scene.Host, scene.RepKey, "rep");
        var closed = new[] { first, second }.Select(c =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            c.Connection.Closed += _ =>
            {
                done.TrySetResult();
                return Task.CompletedTask;
            };
            return done.Task;
        }).ToArray();

        await TestKeys.RevokeAsync(scene.Host, id);

        await Task.WhenAll(closed).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HubConnectionState.Connected, bystander.Connection.State);
        await using var again = HubClient.Create(scene.Host, key, scene.PartnerId);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.Connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>
    /// A hub's own refusal reaches the client as "An unexpected error occurred invoking 'X' on the server.
    /// HubException: the reason"; a server fault as the same first sentence and nothing else.
    /// Argument binding and unknown methods are answered by SignalR itself ("Failed to invoke ...").
    /// </summary>
    internal static bool RefusedCleanly(HubException refusal) =>
        refusal.Message.Contains("HubException: ", StringComparison.Ordinal)
        || !refusal.Message.Contains("An unexpected error occurred", StringComparison.Ordinal);

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "...";
}
