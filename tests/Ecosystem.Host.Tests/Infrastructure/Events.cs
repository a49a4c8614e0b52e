namespace Ecosystem.Host.Tests.Infrastructure;

/// <summary>Builders of contract-shaped events with ids unique to the calling test.</summary>
public static class Events
{
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static string Now => DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");

    public static Dictionary<string, object?> Registered(string id, string dealId, string partnerId, string accountId, decimal amount = 1000m) => new()
    {
        ["id"] = id, ["type"] = "deal.registered", ["occurredAt"] = Now, ["dealId"] = dealId, ["partnerId"] = partnerId,
        ["accountId"] = accountId, ["amount"] = amount, ["currency"] = "USD",
    };

    public static Dictionary<string, object?> Touch(string id, string dealId, string partnerId, string role = "influenced") => new()
    {
        ["id"] = id, ["type"] = "deal.touch", ["occurredAt"] = Now, ["dealId"] = dealId, ["partnerId"] = partnerId, ["role"] = role,
    };

    public static Dictionary<string, object?> Stage(string id, string dealId, string stage) => new()
    {
        ["id"] = id, ["type"] = "deal.stage_changed", ["occurredAt"] = Now, ["dealId"] = dealId, ["stage"] = stage,
    };

    public static Dictionary<string, object?> Engaged(string id, string partnerId) => new()
    {
        ["id"] = id, ["type"] = "partner.engaged", ["occurredAt"] = Now, ["partnerId"] = partnerId, ["activity"] = "webinar",
    };
}
