using System.Text.RegularExpressions;
using Ecosystem.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ecosystem.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed partial class PartnerPortalTests(BrowserFixture fixture)
{
    private Scene Scene => fixture.Scene;

    [Fact]
    public async Task A_partner_accepts_a_lead_offer_from_the_portal()
    {
        var region = Scene.Id("region");
        var partner = Scene.Id("contoso");
        var key = await SeedPartnerAsync(partner, region);

        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.SignInAsync(context, key, "/partner");
        await Expect(page.Locator("#partner-title")).ToContainTextAsync("Contoso Consulting");
        await Expect(page.Locator("#offers")).ToContainTextAsync("No lead offers right now");
        await Expect(page.Locator("[data-tier]")).ToHaveAttributeAsync("data-tier", "silver");
        await Expect(page.Locator("#my-deals tbody tr")).ToHaveCountAsync(2);

        var lead = Scene.Id("lead");
        await Scene.PostAsync(Scene.LeadSubmitted(lead, $"{lead}.fabrikam.example", region));
        var offer = page.Locator($"#offers li.offer[data-lead=\"{lead}\"]");
        await Expect(offer).ToHaveAttributeAsync("data-status", "open");

        // The countdown is live: its text changes second by second.
        var countdown = offer.Locator("time[data-expires]");
        await Expect(countdown).ToHaveTextAsync(CountdownPattern());
        var shown = await countdown.TextContentAsync();
        await Expect(countdown).Not.ToHaveTextAsync(shown!);

        await offer.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(offer).ToHaveAttributeAsync("data-status", "accepted");
        var view = await Scene.GetAsync($"/api/leads/{Uri.EscapeDataString(lead)}");
        Assert.Equal("accepted", view.GetProperty("status").GetString());
        Assert.Equal(partner, view.GetProperty("acceptedBy").GetString());
        // The KPIs follow the partner's pushes.
        await Expect(page.Locator("[data-kpi=leadsAccepted]")).ToHaveAttributeAsync("data-value", "1");

        // A second offer, left open for the screenshot: one answered, one counting down.
        var next = Scene.Id("lead");
        await Scene.PostAsync(Scene.LeadSubmitted(next, $"{next}.wingtip.example", region));
        await Expect(page.Locator($"#offers li.offer[data-lead=\"{next}\"]")).ToHaveAttributeAsync("data-status", "open");
        await BrowserFixture.ScreenshotAsync(page, "partner-portal.png");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
    }

    [Fact]
    public async Task A_partner_declines_an_offer_and_an_offer_seen_earlier_survives_a_reload()
    {
        var region = Scene.Id("region");
        var partner = Scene.Id("contoso");
        var key = await SeedPartnerAsync(partner, region);
        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.SignInAsync(context, key, "/partner");
        await Expect(page.Locator("#partner-title")).ToContainTextAsync("Contoso Consulting");

        var lead = Scene.Id("lead");
        await Scene.PostAsync(Scene.LeadSubmitted(lead, $"{lead}.example", region));
        var offer = page.Locator($"#offers li.offer[data-lead=\"{lead}\"]");
        await Expect(offer).ToHaveAttributeAsync("data-status", "open");

        // The key and the offers live in the tab's session: a reload keeps both.
        await page.ReloadAsync();
        await Expect(page.Locator("#live-dot")).ToHaveAttributeAsync("data-state", "live");
        await Expect(offer).ToHaveAttributeAsync("data-status", "open");

        await offer.GetByRole(AriaRole.Button, new() { Name = "Decline" }).ClickAsync();
        await Expect(offer).ToHaveAttributeAsync("data-status", "declined");
        var view = await Scene.GetAsync($"/api/leads/{Uri.EscapeDataString(lead)}");
        Assert.Contains(view.GetProperty("history").EnumerateArray(),
            h => h.GetProperty("partnerId").GetString() == partner && h.GetProperty("outcome").GetString() == "declined");
    }

    [Fact]
    public async Task The_portal_fits_a_phone_width_screen()
    {
        var partner = Scene.Id("contoso");
        var key = await SeedPartnerAsync(partner, Scene.Id("region"));
        await using var context = await fixture.NewContextAsync(390, 844);
        var page = await BrowserFixture.SignInAsync(context, key, "/partner");
        await Expect(page.Locator("#my-deals tbody tr")).ToHaveCountAsync(2);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than a 390px screen.");
    }

    /// <summary>A solutions partner that takes leads in its own region, silver with one won deal and one open, and its key.</summary>
    private async Task<string> SeedPartnerAsync(string partner, string region)
    {
        await Scene.PutPartnerAsync(partner, "Contoso Consulting", "solutions", region, acceptsLeads: true);
        var won = Scene.Id("deal");
        var open = Scene.Id("deal");
        await Scene.PostAsync(
            Scene.Agreement(partner, "nda"),
            Scene.Agreement(partner),
            Scene.Certified(partner, "implementation-specialist"),
            Scene.Survey(partner, 9),
            Scene.Registered(won, partner, $"{won}.example.com", 62_000m, Scene.Ago(TimeSpan.FromDays(20))),
            Scene.Stage(won, "negotiation"),
            Scene.Closed(won, "won"),
            Scene.Registered(open, partner, $"{open}.example.com", 18_500m),
            Scene.Stage(open, "proposal"));
        return await Scene.PartnerKeyAsync(partner);
    }

    [GeneratedRegex(@"^(\d+h )?(\d+m )?\d+s$")]
    private static partial Regex CountdownPattern();
}
