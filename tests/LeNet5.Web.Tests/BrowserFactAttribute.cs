namespace LeNet5.Web.Tests;

/// <summary>A test that needs Chromium: skipped, saying why, where <see cref="Browser.ChromiumPath"/> is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(Browser.ChromiumPath))
            Skip = $"Chromium not found at {Browser.ChromiumPath} (set LENET5_CHROMIUM, or `apt-get install chromium` as .ci/web does)";
    }
}
