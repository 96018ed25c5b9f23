using System.Diagnostics;
using LeNet5.Tests;
using Microsoft.Playwright;

namespace LeNet5.Web.Tests;

/// <summary>
/// Shared by the browser tests: the published app (from $LENET5_WEB_APP, else published here once), a static file
/// server for it with MNIST under /mnist/, and headless Chromium driven by Playwright.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Debian's Chromium, or $LENET5_CHROMIUM (Playwright's own browser download is not used).</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("LENET5_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public StaticFileServer Server { get; private set; } = null!;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where screenshots and measurements go: $LENET5_WEB_ARTIFACTS, else artifacts/web in the repository.</summary>
    public static string ArtifactsFolder { get; } = Environment.GetEnvironmentVariable("LENET5_WEB_ARTIFACTS") is { Length: > 0 } folder
        ? FromRepository(folder)
        : Path.Combine(RepositoryRoot(), "artifacts", "web");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) return;
        string app = Environment.GetEnvironmentVariable("LENET5_WEB_APP") is { Length: > 0 } published
            ? FromRepository(published)
            : Publish();
        if (!File.Exists(Path.Combine(app, "index.html")) && File.Exists(Path.Combine(app, "wwwroot", "index.html"))) app = Path.Combine(app, "wwwroot");
        if (!File.Exists(Path.Combine(app, "index.html"))) throw new InvalidOperationException($"no published app in {app} (index.html missing)");
        Directory.CreateDirectory(ArtifactsFolder);
        Server = new StaticFileServer(app, new Dictionary<string, string> { ["mnist"] = MnistTestFolder.Path });
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.CloseAsync();
        _playwright?.Dispose();
        Server?.Dispose();
    }

    /// <summary>A new page in a new context (a fresh profile: no cache, no service worker yet), 1000x800.</summary>
    public async Task<IPage> NewPageAsync()
    {
        IBrowserContext context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 800 } });
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return page;
    }

    /// <summary>Opens the app and waits until the drawing surface answers; returns the ms from navigation to then, as the page measured it.</summary>
    public async Task<double> OpenAsync(IPage page) => (await OpenWithTimingsAsync(page)).InteractiveMs;

    /// <summary>
    /// Opens the app; returns when the drawing surface answered and when the last of its _framework files (runtime and assemblies) had arrived, in ms
    /// since navigation started (the page's own clock).
    /// </summary>
    public async Task<(double InteractiveMs, double FilesMs)> OpenWithTimingsAsync(IPage page)
    {
        await page.GotoAsync(Server.Url);
        await page.Locator("#draw-canvas[data-ready=true]").WaitForAsync();
        double interactive = await page.EvaluateAsync<double>("() => window.lenet5InteractiveMs");
        double files = await page.EvaluateAsync<double>(
            "() => Math.max(0, ...performance.getEntriesByType('resource').filter(e => e.name.includes('/_framework/')).map(e => e.responseEnd))");
        return (interactive, files);
    }

    /// <summary>Appends a line to artifacts/web/measurements.txt (CI keeps the folder).</summary>
    public static void Record(string line)
    {
        lock (typeof(Browser)) File.AppendAllText(Path.Combine(ArtifactsFolder, "measurements.txt"), $"{DateTime.UtcNow:u} {line}\n");
    }

    private static string Publish()
    {
        string output = Path.Combine(Path.GetTempPath(), $"lenet5-web-{Environment.ProcessId}");
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(RepositoryRoot(), "samples", "LeNet5.Web"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish samples/LeNet5.Web failed:\n{stdout}\n{stderr}");
        return Path.Combine(output, "wwwroot");
    }

    /// <summary>A path as given; a relative one is taken from the repository root (where `dotnet test` usually starts; the test host runs elsewhere).</summary>
    private static string FromRepository(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(path, RepositoryRoot());

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNet5.Generated.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("LeNet5.Generated.sln not found above the test folder");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
