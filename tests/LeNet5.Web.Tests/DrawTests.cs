using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LeNet5.Web.Tests;

/// <summary>Digits drawn on the Draw tab's canvas with real pointer events, along strokes traced from MNIST test images.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DrawTests(Browser browser, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task Ten_drawn_digits_are_classified_by_the_packaged_model()
    {
        IPage page = await browser.NewPageAsync();
        (double interactiveMs, double filesMs) = await browser.OpenWithTimingsAsync(page);
        string startup = string.Create(CultureInfo.InvariantCulture,
            $"draw: interactive {interactiveMs:F0} ms after navigation started, its _framework files all in by {filesMs:F0} ms (fresh profile, nothing cached)");
        output.WriteLine(startup);
        Browser.Record(startup);

        IdxImages images = MnistReader.ReadImages(Path.Combine(MnistTestFolder.Path, "t10k-images-idx3-ubyte.gz"));
        byte[] labels = MnistReader.ReadLabels(Path.Combine(MnistTestFolder.Path, "t10k-labels-idx1-ubyte.gz"));
        var latencies = new List<double>();
        var networkTimes = new List<double>();
        int right = 0;
        var answers = new List<string>();
        for (int digit = 0; digit < 10; digit++)
        {
            int index = Array.IndexOf(labels, (byte)digit);
            byte[] pixels = images.Pixels.AsSpan(index * 784, 784).ToArray();
            (int answer, double latency, double network) = await DrawAsync(page, pixels);
            latencies.Add(latency);
            networkTimes.Add(network);
            if (answer == digit) right++;
            answers.Add($"{digit}->{answer}");
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ArtifactsFolder, "draw.png") });

        latencies.Sort();
        networkTimes.Sort();
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"draw: {right} of 10 right ({string.Join(' ', answers)}); stroke end to answer: median {latencies[4]:F1} ms, max {latencies[^1]:F1} ms; network alone: median {networkTimes[4]:F1} ms");
        output.WriteLine(summary);
        Browser.Record(summary);
        Assert.True(right >= 9, summary);
        Assert.True(interactiveMs < 15_000, $"the page took {interactiveMs:F0} ms to become interactive");
        Assert.True(latencies[4] < 250, summary);
    }

    /// <summary>Clears the canvas, draws the strokes of a 28x28 image, waits for the answer to the last stroke.</summary>
    internal static async Task<(int Digit, double LatencyMs, double NetworkMs)> DrawAsync(IPage page, byte[] pixels)
    {
        await page.ClickAsync("#clear");
        await page.Locator("#prediction[data-digit='']").WaitForAsync();
        ILocator timing = page.Locator("#timing");
        int before = int.Parse((await timing.GetAttributeAsync("data-strokes"))!, CultureInfo.InvariantCulture);
        LocatorBoundingBoxResult box = (await page.Locator("#draw-canvas").BoundingBoxAsync())!;
        double scale = box.Width / 28;
        List<List<(double X, double Y)>> strokes = StrokeTracer.Trace(pixels, 28, 28);
        foreach (List<(double X, double Y)> stroke in strokes)
        {
            await page.Mouse.MoveAsync((float)(box.X + stroke[0].X * scale), (float)(box.Y + stroke[0].Y * scale));
            await page.Mouse.DownAsync();
            foreach ((double x, double y) in stroke.Skip(1))
                await page.Mouse.MoveAsync((float)(box.X + x * scale), (float)(box.Y + y * scale));
            await page.Mouse.UpAsync();
        }
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('#timing').dataset.strokes) >= {before + strokes.Count}");
        string digit = (await page.Locator("#prediction").GetAttributeAsync("data-digit"))!;
        double latency = double.Parse((await timing.GetAttributeAsync("data-latency-ms"))!, CultureInfo.InvariantCulture);
        double network = double.Parse((await timing.GetAttributeAsync("data-network-ms"))!, CultureInfo.InvariantCulture);
        return (int.Parse(digit, CultureInfo.InvariantCulture), latency, network);
    }
}
