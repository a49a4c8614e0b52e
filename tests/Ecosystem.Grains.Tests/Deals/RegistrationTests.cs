using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Contracts.Accounts;
using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.Deals;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Tests.Infrastructure;

namespace Ecosystem.Grains.Tests.Deals;

/// <summary>Registrations decided by the account grain, and their expiry on the engine clock.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class RegistrationTests(GrainClusterFixture fixture)
{
    private static (ActivityEvent Event, string Raw) Registration(string dealId, string partnerId, string account, DateTimeOffset at)
    {
        var raw = new JsonObject
        {
            ["id"] = TestEvents.NewId("reg"),
            ["type"] = EventTypes.DealRegistered,
            ["occurredAt"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["dealId"] = dealId,
            ["partnerId"] = partnerId,
            ["accountId"] = account,
            ["amount"] = 5000,
            ["currency"] = "USD",
        }.ToJsonString();
        using var doc = JsonDocument.Parse(raw);
        return (EventParser.Parse(doc.RootElement, null).Event!, raw);
    }

    /// <summary>What the intake does: the account decides and logs; the log hands the logged event to the deal.</summary>
    private async Task<LoggedEvent> RegisterAsync(string dealId, string partnerId, string account)
    {
        var (e, _) = Registration(dealId, partnerId, account, fixture.Time.GetUtcNow());
        var result = await fixture.Client.GetGrain<IAccountGrain>(e.AccountId!).Register(e, TestEvents.Admin);
        return Assert.IsType<LoggedEvent>(result.Logged);
    }

    [Fact]
    public async Task The_first_registration_of_an_account_wins_and_a_later_one_by_another_partner_conflicts_with_it()
    {
        var account = TestEvents.NewId("acct") + ".example";
        var first = TestEvents.NewId("deal");
        var second = TestEvents.NewId("deal");

        var won = await RegisterAsync(first, "p-first", account);
        var lost = await RegisterAsync(second, "p-second", "WWW." + account.ToUpperInvariant() + ".");

        Assert.Equal("approved", won.Registration!.Status);
        Assert.Equal("conflict", lost.Registration!.Status);
        Assert.Equal(first, lost.Registration.ConflictsWith);
        var view = await fixture.Client.GetGrain<IDealGrain>(second).GetView();
        Assert.Equal(new Ecosystem.Domain.Deals.RegistrationDecision("conflict", first, lost.Registration.ExpiresAt), view!.Registration);
    }

    [Fact]
    public async Task Registering_the_same_event_twice_through_the_account_logs_it_once()
    {
        var account = TestEvents.NewId("acct") + ".example";
        var (e, _) = Registration(TestEvents.NewId("deal"), "p1", account, fixture.Time.GetUtcNow());
        var grain = fixture.Client.GetGrain<IAccountGrain>(e.AccountId!);

        Assert.NotNull((await grain.Register(e, TestEvents.Admin)).Logged);
        Assert.True((await grain.Register(e, TestEvents.Admin)).Duplicate);
    }

    [Fact]
    public async Task A_registration_expires_when_the_engine_clock_passes_its_window_and_the_account_is_free_again()
    {
        var account = TestEvents.NewId("acct") + ".example";
        var dealId = TestEvents.NewId("deal");
        var logged = await RegisterAsync(dealId, "p-early", account);
        var deal = fixture.Client.GetGrain<IDealGrain>(dealId);
        Assert.True(await deal.HoldsAccount());
        Assert.Equal(fixture.Time.GetUtcNow().AddDays(90), logged.Registration!.ExpiresAt);

        // A second before the window closes the registration holds; a second after, it reads expired on the engine
        // clock, with no timer or reminder needed for it (nobody is in the room).
        fixture.Time.Advance(TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1));
        Assert.True(await deal.HoldsAccount());
        Assert.Equal("approved", (await deal.GetView())!.Registration!.Status);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("expired", (await deal.GetView())!.Registration!.Status);
        Assert.False(await deal.HoldsAccount());
        var next = await RegisterAsync(TestEvents.NewId("deal"), "p-late", account);
        Assert.Equal("approved", next.Registration!.Status);
    }
}
