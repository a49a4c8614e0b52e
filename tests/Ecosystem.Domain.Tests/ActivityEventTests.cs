using System.Text.Json;
using Ecosystem.Domain.Events;

namespace Ecosystem.Domain.Tests;

/// <summary>
/// The program, lead and integration fields of an event are kept in groups of their own (so deal events stay small);
/// to everyone reading an event it is still one flat record.
/// </summary>
public sealed class ActivityEventTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static ActivityEvent Lead() => new()
    {
        Id = "e1", Type = EventTypes.LeadSubmitted, OccurredAt = T0, LeadId = "l1", Region = "emea", Industry = "fintech", Source = "marketing",
    };

    [Fact]
    public void A_grouped_field_set_to_null_by_a_copy_is_cleared_and_its_neighbours_kept()
    {
        var copy = Lead() with { Industry = null };

        Assert.Null(copy.Industry);
        Assert.Equal("emea", copy.Region);
        Assert.Equal("marketing", copy.Source);
    }

    [Fact]
    public void Changing_a_grouped_field_in_a_copy_leaves_the_original_as_it_was()
    {
        var original = Lead();
        var copy = original with { Region = "apac" };

        Assert.Equal("emea", original.Region);
        Assert.Equal("apac", copy.Region);
        Assert.NotEqual(original, copy);
        Assert.Equal(original, Lead());
    }

    [Fact]
    public void An_event_with_grouped_fields_serializes_flat()
    {
        var integration = new ActivityEvent
        {
            Id = "e2", Type = EventTypes.IntegrationErrorReported, OccurredAt = T0, IntegrationId = "i1", Errors = 3, Calls = 100,
        };
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Lead() with { Score = 9 }, Web));

        Assert.Equal("emea", json.RootElement.GetProperty("region").GetString());
        Assert.Equal(9, json.RootElement.GetProperty("score").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("_lead", out _));
        Assert.Equal((3L, 100L), (integration.Errors, integration.Calls));
        Assert.Null(integration.Region);
    }

    [Fact]
    public void A_deal_event_set_with_nulls_in_grouped_fields_equals_one_that_never_named_them()
    {
        var touch = new ActivityEvent { Id = "e3", Type = EventTypes.DealTouch, OccurredAt = T0, DealId = "d1", PartnerId = "p1", Role = "sourced" };

        Assert.Equal(touch, touch with { Reason = null, Comment = null, Suite = null });
    }
}
