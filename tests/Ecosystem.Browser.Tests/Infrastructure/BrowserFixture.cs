using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ecosystem.Browser.Tests.Infrastructure;

/// <summary>
/// One engine (the built host as a real process, on SQLite) and one headless Chromium for every browser test. The tests
/// share them and run one at a time (one collection): a browser and a host per test would cost more than the tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium. Playwright drives it; it downloads no browser of its own.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public HostProcess Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Scene Scene { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}; the browser tests need it. Install it with 'apt-get install -y chromium' "
                + "(scripts/test.sh does so when run as root or with CI=true).");
        }

        // The machine is small and shared: give live pages time, but every wait still ends the moment its condition holds.
        Assertions.SetDefaultExpectTimeout(20_000);
        Host = await HostProcess.StartAsync(HostStorage.Sqlite());
        Scene = new Scene(Host.Client());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>A fresh browser profile (its own sessionStorage), as a second person on another machine would have.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });

    /// <summary>Opens <c>/#{route}</c>, signs in with <paramref name="key"/> through the form and waits until the page is live.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, string key, string route)
    {
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        PageErrors.AddOrUpdate(page, errors);
        await page.GotoAsync("/#" + route);
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#live-dot")).ToHaveAttributeAsync("data-state", "live");
        return page;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> PageErrors = new();

    /// <summary>Uncaught script errors of a page opened by <see cref="SignInAsync"/>: a page that threw is broken even if it looks right.</summary>
    public static IReadOnlyList<string> ErrorsOf(IPage page) => PageErrors.TryGetValue(page, out var errors) ? errors : [];

    /// <summary>A screenshot of the viewport into docs/screenshots/ of the repository, for the README.</summary>
    public static async Task ScreenshotAsync(IPage page, string fileName)
    {
        var dir = Path.Combine(RepoPaths.Root, "docs", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, fileName) });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
