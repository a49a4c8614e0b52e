using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ecosystem.Host.Tests.Infrastructure;

namespace Ecosystem.Browser.Tests.Infrastructure;

/// <summary>What the tests set up over HTTP with the admin key, as a partner system or the channel team would.</summary>
public sealed class Scene(HttpClient admin)
{
    public HttpClient Admin { get; } = admin;

    /// <summary>An id unique to this run, readable in screenshots: <c>acme-3f9a1c</c>.</summary>
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    public static string Ago(TimeSpan span) => DateTimeOffset.UtcNow.Subtract(span).ToString("O");

    public static string Now => Ago(TimeSpan.FromSeconds(5));

    public async Task PutPartnerAsync(string partnerId, string name, string partnerType, string region, bool acceptsLeads = false)
    {
        var response = await Admin.PutAsJsonAsync(new Uri($"/api/partners/{Uri.EscapeDataString(partnerId)}", UriKind.Relative),
            new { name, partnerType, region, acceptsLeads, capacity = 20, industries = Array.Empty<string>() });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
            $"PUT partner {partnerId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<string> PartnerKeyAsync(string partnerId) => KeyAsync(new { role = "partner", partnerId });

    public Task<string> RepKeyAsync(string userId) => KeyAsync(new { role = "rep", userId });

    private async Task<string> KeyAsync(object body)
    {
        var response = await Admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), body);
        var json = await response.ReadAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json.GetProperty("key").GetString()!;
    }

    /// <summary>Posts the events and checks each was accepted.</summary>
    public async Task PostAsync(params Dictionary<string, object?>[] events)
    {
        var response = await Admin.PostEventsAsync(events);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        foreach (var result in JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray())
        {
            Assert.True(result.GetProperty("status").GetString() == "accepted", $"Event not accepted: {result}");
        }
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await Admin.GetAsync(new Uri(path, UriKind.Relative));
        var json = await response.ReadAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {json}");
        return json;
    }

    public async Task PutProgramAsync(object program)
    {
        var response = await Admin.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), program);
        Assert.True(response.IsSuccessStatusCode, $"PUT program: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Dictionary<string, object?> Event(string type, string? occurredAt = null) =>
        new() { ["id"] = Id("ev"), ["type"] = type, ["occurredAt"] = occurredAt ?? Now };

    public static Dictionary<string, object?> Agreement(string partnerId, string document = "program_terms")
    {
        var e = Event("agreement.signed");
        e["partnerId"] = partnerId;
        e["document"] = document;
        e["version"] = "2026-01";
        return e;
    }

    public static Dictionary<string, object?> Certified(string partnerId, string certification)
    {
        var e = Event("certification.earned");
        e["partnerId"] = partnerId;
        e["certification"] = certification;
        return e;
    }

    public static Dictionary<string, object?> Survey(string partnerId, int score)
    {
        var e = Event("survey.responded");
        e["partnerId"] = partnerId;
        e["score"] = score;
        return e;
    }

    public static Dictionary<string, object?> Registered(string dealId, string partnerId, string accountId, decimal amount, string? occurredAt = null)
    {
        var e = Event("deal.registered", occurredAt);
        e["dealId"] = dealId;
        e["partnerId"] = partnerId;
        e["accountId"] = accountId;
        e["amount"] = amount;
        e["currency"] = "USD";
        return e;
    }

    public static Dictionary<string, object?> Touch(string dealId, string partnerId, string role, string? activity = null, string? occurredAt = null)
    {
        var e = Event("deal.touch", occurredAt);
        e["dealId"] = dealId;
        e["partnerId"] = partnerId;
        e["role"] = role;
        if (activity is not null)
        {
            e["activity"] = activity;
        }

        return e;
    }

    public static Dictionary<string, object?> Stage(string dealId, string stage)
    {
        var e = Event("deal.stage_changed");
        e["dealId"] = dealId;
        e["stage"] = stage;
        return e;
    }

    public static Dictionary<string, object?> Closed(string dealId, string outcome)
    {
        var e = Event("deal.closed");
        e["dealId"] = dealId;
        e["outcome"] = outcome;
        return e;
    }

    public static Dictionary<string, object?> Message(string dealId, string author, string text)
    {
        var e = Event("deal.message");
        e["dealId"] = dealId;
        e["author"] = author;
        e["text"] = text;
        return e;
    }

    public static Dictionary<string, object?> LeadSubmitted(string leadId, string accountId, string region)
    {
        var e = Event("lead.submitted");
        e["leadId"] = leadId;
        e["accountId"] = accountId;
        e["region"] = region;
        e["source"] = "marketing";
        return e;
    }

    public static Dictionary<string, object?> LeadAnswer(string type, string leadId, string partnerId)
    {
        var e = Event(type);
        e["leadId"] = leadId;
        e["partnerId"] = partnerId;
        return e;
    }
}
