using Ecosystem.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ecosystem.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DealRoomTests(BrowserFixture fixture)
{
    private Scene Scene => fixture.Scene;

    [Fact]
    public async Task Two_people_in_one_deal_room_see_each_others_chat_and_presence()
    {
        var registrant = Scene.Id("northwind");
        var implementer = Scene.Id("adatum");
        var rep = Scene.Id("alice");
        var dealId = Scene.Id("deal");
        await Scene.PutPartnerAsync(registrant, "Northwind Solutions", "solutions", "emea");
        await Scene.PutPartnerAsync(implementer, "Adatum Integrations", "technology", "emea");
        await Scene.PostAsync(
            Scene.Registered(dealId, registrant, $"{dealId}.example.com", 48_000m, Scene.Ago(TimeSpan.FromDays(12))),
            Scene.Touch(dealId, implementer, "implementation", "solution_design", Scene.Ago(TimeSpan.FromDays(6))),
            Scene.Stage(dealId, "qualified"),
            Scene.Touch(dealId, registrant, "influenced", "executive_briefing", Scene.Ago(TimeSpan.FromDays(2))),
            Scene.Stage(dealId, "proposal"));
        var partnerKey = await Scene.PartnerKeyAsync(registrant);
        var repKey = await Scene.RepKeyAsync(rep);

        await using var repContext = await fixture.NewContextAsync();
        var partnerContext = await fixture.NewContextAsync();
        var repPage = await BrowserFixture.SignInAsync(repContext, repKey, "/deal/" + Uri.EscapeDataString(dealId));
        var partnerPage = await BrowserFixture.SignInAsync(partnerContext, partnerKey, "/deal/" + Uri.EscapeDataString(dealId));

        foreach (var page in new[] { repPage, partnerPage })
        {
            await Expect(page.Locator($"#presence-list li[data-name=\"{rep}\"]")).ToBeVisibleAsync();
            await Expect(page.Locator($"#presence-list li[data-name=\"{registrant}\"]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-fact=stage] dd")).ToHaveTextAsync("proposal");
            await Expect(page.Locator("[data-fact=registration] dd")).ToContainTextAsync("approved");
        }

        await repPage.GetByLabel("Message").FillAsync("Can your architect join the technical call on Tuesday?");
        await repPage.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(partnerPage.Locator("#chat-log")).ToContainTextAsync("Can your architect join the technical call on Tuesday?");

        // The keyboard alone sends a line: type, then Enter.
        await partnerPage.GetByLabel("Message").FillAsync("Yes, she will. I will send the agenda.");
        await partnerPage.Keyboard.PressAsync("Enter");
        await Expect(repPage.Locator("#chat-log")).ToContainTextAsync("Yes, she will. I will send the agenda.");
        await Expect(repPage.Locator("#chat-log li")).ToHaveCountAsync(2);
        await Expect(partnerPage.Locator("#chat-log li")).ToHaveCountAsync(2);

        // Chat lines are stored in the deal's timeline like every event.
        await Expect(repPage.Locator("#timeline-list li[data-type=\"deal.message\"]")).ToHaveCountAsync(2);

        await repPage.Locator($"#attribution-bars li.credit[data-partner=\"{implementer}\"]").HoverAsync();
        await Expect(repPage.Locator($"#attribution-bars li.credit[data-partner=\"{implementer}\"] [role=tooltip]")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(repPage, "deal-room.png");

        // Leaving (closing the browser) shows at once in the other's presence list.
        await partnerContext.CloseAsync();
        await Expect(repPage.Locator($"#presence-list li[data-name=\"{registrant}\"]")).ToHaveCountAsync(0);
        Assert.Empty(BrowserFixture.ErrorsOf(repPage));
    }

    [Fact]
    public async Task An_event_posted_over_http_moves_the_attribution_bars_without_a_reload()
    {
        var first = Scene.Id("fabrikam");
        var second = Scene.Id("litware");
        var third = Scene.Id("proseware");
        var dealId = Scene.Id("deal");
        foreach (var p in new[] { first, second, third })
        {
            await Scene.PutPartnerAsync(p, "Partner " + p, "solutions", "amer");
        }

        await Scene.PostAsync(
            Scene.Registered(dealId, first, $"{dealId}.example.com", 30_000m, Scene.Ago(TimeSpan.FromDays(3))),
            Scene.Touch(dealId, second, "influenced", occurredAt: Scene.Ago(TimeSpan.FromDays(2))));

        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.SignInAsync(context, Host.Tests.Infrastructure.HostProcess.AdminKey, "/deal/" + Uri.EscapeDataString(dealId));
        var bars = page.Locator("#attribution-bars ul.credits");
        // Position-based, two touches: 50/50.
        await Expect(bars).ToHaveAttributeAsync("data-model", "position_based");
        await Expect(Credit(page, first)).ToHaveAttributeAsync("data-share", "0.5");
        await Expect(Credit(page, second)).ToHaveAttributeAsync("data-share", "0.5");
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        await Scene.PostAsync(Scene.Touch(dealId, third, "referral"));

        // Three touches: 40% first, 20% the middle, 40% last; a third bar appears.
        await Expect(Credit(page, third)).ToHaveAttributeAsync("data-share", "0.4");
        await Expect(Credit(page, second)).ToHaveAttributeAsync("data-share", "0.2");
        await Expect(Credit(page, first)).ToHaveAttributeAsync("data-amount", "12000");
        await Expect(page.Locator("#timeline-list li[data-type=\"deal.touch\"]")).ToHaveCountAsync(2);
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "The page reloaded.");

        // The model switch asks for the credits under another model.
        await page.GetByLabel("Model").SelectOptionAsync("linear");
        await Expect(bars).ToHaveAttributeAsync("data-model", "linear");
        await Expect(Credit(page, first)).ToHaveAttributeAsync("data-amount", "10000");

        // And the switch sticks while events keep arriving: another touch re-reads the chosen model.
        await Scene.PostAsync(Scene.Touch(dealId, third, "implementation"));
        await Expect(Credit(page, third)).ToHaveAttributeAsync("data-amount", "15000");
        await Expect(bars).ToHaveAttributeAsync("data-model", "linear");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
    }

    [Fact]
    public async Task A_lost_connection_is_shown_and_the_room_reconnects_and_is_live_again()
    {
        var partner = Scene.Id("tailspin");
        var dealId = Scene.Id("deal");
        await Scene.PutPartnerAsync(partner, "Tailspin", "solutions", "apac");
        await Scene.PostAsync(Scene.Registered(dealId, partner, $"{dealId}.example.com", 9_000m));
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        // The page's WebSocket goes through Playwright, so the test can cut it; while `blocked`, new connections fail.
        var blocked = false;
        IWebSocketRoute? socket = null;
        await page.RouteWebSocketAsync("**/hubs/ecosystem**", ws =>
        {
            if (blocked)
            {
                _ = ws.CloseAsync();
                return;
            }

            socket = ws;
            ws.ConnectToServer();
        });
        await page.RouteAsync("**/hubs/ecosystem/negotiate**", async route =>
        {
            if (blocked)
            {
                await route.AbortAsync();
            }
            else
            {
                await route.ContinueAsync();
            }
        });

        await page.GotoAsync("/#/deal/" + Uri.EscapeDataString(dealId));
        await page.GetByLabel("API key").FillAsync(Host.Tests.Infrastructure.HostProcess.AdminKey);
        await page.GetByLabel("API key").PressAsync("Enter");
        await Expect(page.Locator("#live-dot")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("#presence-list li[data-name=admin]")).ToBeVisibleAsync();
        await Expect(page.Locator(".deal-room")).ToHaveAttributeAsync("data-joins", "1");

        blocked = true;
        await socket!.CloseAsync(new() { Code = 4001, Reason = "cut by the test" });
        await Expect(page.Locator("#connection")).ToContainTextAsync("Reconnecting automatically");
        await Expect(page.Locator("#live-dot")).ToHaveAttributeAsync("data-state", "reconnecting");

        blocked = false;
        await Expect(page.Locator("#connection")).ToContainTextAsync("Reconnected");
        await Expect(page.Locator("#live-dot")).ToHaveAttributeAsync("data-state", "live");

        // The room is joined again on the new connection, and pushes arrive there.
        await Expect(page.Locator(".deal-room")).ToHaveAttributeAsync("data-joins", "2");
        await Scene.PostAsync(Scene.Stage(dealId, "negotiation"));
        await Expect(page.Locator("[data-fact=stage] dd")).ToHaveTextAsync("negotiation");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
    }

    private static ILocator Credit(IPage page, string partnerId) =>
        page.Locator($"#attribution-bars li.credit[data-partner=\"{partnerId}\"]");
}
