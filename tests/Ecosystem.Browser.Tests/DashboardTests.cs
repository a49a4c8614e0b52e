using System.Globalization;
using System.Text.RegularExpressions;
using Ecosystem.Browser.Tests.Infrastructure;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ecosystem.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed partial class DashboardTests(BrowserFixture fixture)
{
    private Scene Scene => fixture.Scene;

    [Fact]
    public async Task The_dashboards_figures_change_live_after_events()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.SignInAsync(context, HostProcess.AdminKey, "/dashboard");
        var unroutable = Metric(page, "leads.unroutable");
        var partners = Metric(page, "partners.total");
        var sourced = Metric(page, "revenue.sourced");
        await Expect(unroutable).ToHaveAttributeAsync("data-value", Number());
        var unroutableBefore = await ValueAsync(unroutable);
        var partnersBefore = await ValueAsync(partners);
        var sourcedBefore = await ValueAsync(sourced);

        // A lead in a region nobody serves is unroutable at once: the figure and the list move without a reload.
        var lead = Scene.Id("lead");
        await Scene.PostAsync(Scene.LeadSubmitted(lead, $"{lead}.example", Scene.Id("nowhere")));
        await Expect(unroutable).ToHaveAttributeAsync("data-value", Text(unroutableBefore + 1));
        await Expect(page.Locator($"#unroutable tr[data-lead=\"{lead}\"]")).ToBeVisibleAsync();

        await Scene.PutPartnerAsync(Scene.Id("woodgrove"), "Woodgrove Apps", "technology", "emea");
        await Expect(partners).ToHaveAttributeAsync("data-value", Text(partnersBefore + 1));

        // A partner-sourced deal won: the sourced revenue grows by its amount.
        var (partner, deal) = (Scene.Id("relecloud"), Scene.Id("deal"));
        await Scene.PutPartnerAsync(partner, "Relecloud", "solutions", "emea");
        await Scene.PostAsync(Scene.Registered(deal, partner, $"{deal}.example.com", 75_000m), Scene.Closed(deal, "won"));
        await Expect(sourced).ToHaveAttributeAsync("data-value", Text(sourcedBefore + 75_000m));

        // The rest of a small ecosystem, for the screenshot: every partner type, an at-risk partner, leads of each outcome.
        await SeedEcosystemAsync();
        await Expect(page.Locator("#at-risk tbody tr")).Not.ToHaveCountAsync(0);
        // Events per second come from the log's head, read every 2 s: the seeding shows as a rate above zero.
        await Expect(page.Locator("[data-metric=eventsPerSecond]")).Not.ToHaveAttributeAsync("data-value", "0");
        // A few readings, so the screenshot shows a line rather than a dot.
        await Expect(page.Locator("#events-per-second")).ToHaveAttributeAsync("data-points", SeveralPoints());

        // A registration waiting for review shows in the queue (auto-approval off for this part).
        await Scene.PutProgramAsync(new { registration = new { autoApprove = false } });
        try
        {
            var pending = Scene.Id("deal");
            await Scene.PostAsync(Scene.Registered(pending, partner, $"{pending}.example.com", 27_500m));
            await Expect(page.Locator($"#pending-registrations tr[data-deal=\"{pending}\"]")).ToBeVisibleAsync();
            await page.Locator("#dashboard-title").ScrollIntoViewIfNeededAsync();
            await BrowserFixture.ScreenshotAsync(page, "dashboard.png");
        }
        finally
        {
            await Scene.PutProgramAsync(new { });
        }

        Assert.Empty(BrowserFixture.ErrorsOf(page));
    }

    [Fact]
    public async Task Registrations_waiting_for_review_are_approved_and_rejected_from_the_dashboard()
    {
        var partner = Scene.Id("fourthcoffee");
        await Scene.PutPartnerAsync(partner, "Fourth Coffee", "alliance", "emea");
        await Scene.PutProgramAsync(new { registration = new { autoApprove = false } });
        try
        {
            var (approve, reject) = (Scene.Id("deal"), Scene.Id("deal"));
            await Scene.PostAsync(
                Scene.Registered(approve, partner, $"{approve}.example.com", 10_000m),
                Scene.Registered(reject, partner, $"{reject}.example.com", 20_000m));
            var rep = await Scene.RepKeyAsync(Scene.Id("bob"));
            await using var context = await fixture.NewContextAsync();
            var page = await BrowserFixture.SignInAsync(context, rep, "/dashboard");
            var approveRow = page.Locator($"#pending-registrations tr[data-deal=\"{approve}\"]");
            var rejectRow = page.Locator($"#pending-registrations tr[data-deal=\"{reject}\"]");
            await Expect(approveRow).ToBeVisibleAsync();

            await approveRow.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(approveRow).ToHaveCountAsync(0);
            await rejectRow.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
            await Expect(rejectRow).ToHaveCountAsync(0);

            Assert.Equal("approved", (await Scene.GetAsync($"/api/deals/{approve}")).GetProperty("registration").GetProperty("status").GetString());
            Assert.Equal("rejected", (await Scene.GetAsync($"/api/deals/{reject}")).GetProperty("registration").GetProperty("status").GetString());
            Assert.Empty(BrowserFixture.ErrorsOf(page));
        }
        finally
        {
            await Scene.PutProgramAsync(new { });
        }
    }

    [Fact]
    public async Task A_partner_key_is_told_the_dashboard_is_for_the_channel_team()
    {
        var partner = Scene.Id("contoso");
        await Scene.PutPartnerAsync(partner, "Contoso", "solutions", "emea");
        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.SignInAsync(context, await Scene.PartnerKeyAsync(partner), "/dashboard");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("for the channel team");
        await Expect(page.Locator("#nav")).Not.ToContainTextAsync("Dashboard");
    }

    private async Task SeedEcosystemAsync()
    {
        var region = Scene.Id("region");
        var types = new[] { ("solutions", "Contoso Consulting"), ("technology", "Adatum Cloud"), ("developer", "Litware Labs"), ("alliance", "Fabrikam Global") };
        var ids = new List<string>();
        foreach (var (type, name) in types)
        {
            var id = Scene.Id(name.Split(' ')[0].ToLowerInvariant());
            ids.Add(id);
            await Scene.PutPartnerAsync(id, name, type, "emea");
            await Scene.PostAsync(Scene.Agreement(id, "nda"), Scene.Agreement(id), Scene.Certified(id, "sales-foundations"), Scene.Survey(id, type == "developer" ? 6 : 10));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var deal = Scene.Id("deal");
            var open = Scene.Id("deal");
            await Scene.PostAsync(
                Scene.Registered(deal, ids[i], $"{deal}.example.com", 20_000m * (i + 1), Scene.Ago(TimeSpan.FromDays(30))),
                Scene.Touch(deal, ids[(i + 1) % ids.Count], "influenced", occurredAt: Scene.Ago(TimeSpan.FromDays(10))),
                Scene.Closed(deal, "won"),
                Scene.Registered(open, ids[i], $"{open}.example.com", 15_000m * (i + 1)));
        }

        // At risk: a lost deal, no certification, an unhappy survey and a declined lead bring health below 40.
        var risky = Scene.Id("northwind");
        await Scene.PutPartnerAsync(risky, "Northwind Traders", "solutions", region, acceptsLeads: true);
        var lost = Scene.Id("deal");
        await Scene.PostAsync(Scene.Agreement(risky), Scene.Survey(risky, 0),
            Scene.Registered(lost, risky, $"{lost}.example.com", 5_000m), Scene.Closed(lost, "lost"));
        var declined = Scene.Id("lead");
        await Scene.PostAsync(Scene.LeadSubmitted(declined, $"{declined}.example", region));
        await Scene.PostAsync(Scene.LeadAnswer("lead.declined", declined, risky));
    }

    private static ILocator Metric(IPage page, string name) => page.Locator($"[data-metric=\"{name}\"]");

    private static async Task<decimal> ValueAsync(ILocator metric) =>
        decimal.Parse(await metric.GetAttributeAsync("data-value") ?? "0", CultureInfo.InvariantCulture);

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^([4-9]|\d{2,})$")]
    private static partial Regex SeveralPoints();
}
