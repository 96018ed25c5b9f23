using Microsoft.Playwright;

namespace LeNet5.Web.Tests;

/// <summary>Once loaded, the app works with no network: its service worker serves it from the cache.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class OfflineTests(Browser browser)
{
    [BrowserFact]
    public async Task The_app_loads_and_classifies_offline_once_loaded()
    {
        IPage page = await browser.NewPageAsync();
        await browser.OpenAsync(page);
        await page.EvaluateAsync("() => navigator.serviceWorker.ready.then(() => true)");
        await page.Context.SetOfflineAsync(true);
        try
        {
            await page.ReloadAsync();
            await page.Locator("#draw-canvas[data-ready=true]").WaitForAsync();
            byte[] one = new byte[784];
            for (int y = 6; y < 22; y++) { one[y * 28 + 13] = 255; one[y * 28 + 14] = 255; }
            (int digit, _, _) = await DrawTests.DrawAsync(page, one);
            Assert.Equal(1, digit);
        }
        finally
        {
            await page.Context.SetOfflineAsync(false);
        }
    }
}
