using System.Net.Http.Json;
using Ecosystem.Browser.Tests.Infrastructure;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ecosystem.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_bad_key_is_refused_with_a_message_and_a_good_one_opens_the_page_of_its_role()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync("eco_not_a_real_key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#sign-in-error [role=alert]")).ToContainTextAsync("not accepted");
        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();

        await page.GetByLabel("API key").FillAsync(HostProcess.AdminKey);
        await page.GetByLabel("API key").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/dashboard$"));
        await Expect(page.Locator("#nav a[aria-current=page]")).ToHaveTextAsync("Dashboard");
        // The key is kept for this tab only.
        Assert.Equal(HostProcess.AdminKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('eco.apiKey')"));
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('eco.apiKey')"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('eco.apiKey')"));
    }

    [Fact]
    public async Task The_pages_are_served_without_a_key_while_the_api_still_needs_one()
    {
        using var anonymous = fixture.Host.Client(key: null);
        foreach (var path in new[] { "/", "/js/app.js", "/styles.css", "/lib/signalr/signalr.min.js" })
        {
            var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        }

        var api = await anonymous.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_signed_out_with_a_message()
    {
        var rep = Scene.Id("carol");
        var created = await fixture.Scene.Admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), new { role = "rep", userId = rep });
        var key = await created.ReadAsync();
        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.SignInAsync(context, key.GetProperty("key").GetString()!, "/dashboard");

        var revoked = await fixture.Scene.Admin.DeleteAsync(new Uri($"/api/api-keys/{key.GetProperty("id").GetString()}", UriKind.Relative));
        Assert.True(revoked.IsSuccessStatusCode);
        await Expect(page.Locator("#sign-in-error [role=alert]")).ToContainTextAsync("no longer accepted");
    }
}
