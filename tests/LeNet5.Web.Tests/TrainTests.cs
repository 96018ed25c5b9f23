using System.Globalization;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;
using LeNet5.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LeNet5.Web.Tests;

/// <summary>LeNet-5 trained from scratch in the page on MNIST served beside the app, then used on the Draw tab.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class TrainTests(Browser browser, ITestOutputHelper output)
{
    /// <summary>Images to train: $LENET5_WEB_TRAIN_IMAGES (60000 for one epoch), else enough for about a minute.</summary>
    private static int TrainImages => int.TryParse(Environment.GetEnvironmentVariable("LENET5_WEB_TRAIN_IMAGES"), out int n) ? n : 3200;

    /// <summary>Test images the page scores: $LENET5_WEB_TEST_IMAGES, else 2,000 (the page classifies a few hundred a second).</summary>
    private static int TestImages => int.TryParse(Environment.GetEnvironmentVariable("LENET5_WEB_TEST_IMAGES"), out int n) ? n : 2000;

    [BrowserFact]
    public async Task Training_in_the_page_learns_and_its_weights_draw()
    {
        IPage page = await browser.NewPageAsync();
        await browser.OpenAsync(page);
        await page.ClickAsync("#tab-train");
        await page.FillAsync("#train-images", TrainImages.ToString(CultureInfo.InvariantCulture));
        await page.FillAsync("#test-images", TestImages.ToString(CultureInfo.InvariantCulture));
        await page.PressAsync("#test-images", "Tab");
        await page.ClickAsync("#train-start");
        await page.Locator("#train-status[data-state=training]").WaitForAsync();
        await page.Locator("#train-status[data-state=done]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30 * 60_000 });

        double accuracy = await Number(page, "#test-accuracy");
        double perSecond = await Number(page, "#images-per-second");
        double wallPerSecond = await Number(page, "#wall-images-per-second");
        double loss = await Number(page, "#train-loss");
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"train: {TrainImages} images, train loss {loss:F4}, test accuracy {accuracy:P2} ({TestImages} images), {perSecond:F0} images/s training, {wallPerSecond:F0} images/s wall clock");
        output.WriteLine(summary);
        output.WriteLine(await page.Locator("#train-summary").InnerTextAsync());
        Browser.Record(summary);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ArtifactsFolder, "train.png"), FullPage = true });
        Assert.True(accuracy >= MinimumAccuracy(TrainImages), summary);

        // The runtime trains the same steps here (x64, JIT): the page's loss and accuracy agree, to the rounding of a
        // different vector width (WebAssembly's 128-bit lanes sum in another order than AVX2's).
        (double expectedLoss, double expectedAccuracy) = TrainHere(TrainImages, TestImages);
        string here = string.Create(CultureInfo.InvariantCulture, $"train: the same steps in the test process: train loss {expectedLoss:F4}, test accuracy {expectedAccuracy:P2}");
        output.WriteLine(here);
        Browser.Record(here);
        Assert.True(Math.Abs(loss - expectedLoss) < 2e-3, $"{summary}; {here}");
        Assert.True(Math.Abs(accuracy - expectedAccuracy) <= 0.005, $"{summary}; {here}");

        // "Use these weights": the Draw tab now classifies with the network just trained.
        await page.ClickAsync("#use-weights");
        await page.Locator("#panel-draw:not([hidden])").WaitForAsync();
        Assert.Contains("trained in this page", await page.Locator("#model-in-use").InnerTextAsync());
        IdxImages images = MnistReader.ReadImages(Path.Combine(MnistTestFolder.Path, "t10k-images-idx3-ubyte.gz"));
        byte[] labels = MnistReader.ReadLabels(Path.Combine(MnistTestFolder.Path, "t10k-labels-idx1-ubyte.gz"));
        int right = 0;
        for (int digit = 0; digit < 10; digit++)
        {
            int index = Array.IndexOf(labels, (byte)digit);
            (int answer, _, _) = await DrawTests.DrawAsync(page, images.Pixels.AsSpan(index * 784, 784).ToArray());
            if (answer == digit) right++;
        }
        output.WriteLine($"the weights trained in the page: {right} of 10 drawn digits right");
        Browser.Record($"train: the page's own weights classify {right} of 10 drawn digits right");
        // A network that saw a few thousand images is no match for the packaged one; after a whole epoch it is close.
        int expected = TrainImages >= 60_000 ? 9 : 5;
        Assert.True(right >= expected, $"{right} of 10 drawn digits right with the weights trained in the page");
    }

    private static (double Loss, double Accuracy) TrainHere(int images, int testImages)
    {
        MnistDataset train = MnistDataset.LoadTraining(MnistTestFolder.Path, LeNet5Network.Description.InputScaling);
        MnistDataset test = MnistDataset.LoadTest(MnistTestFolder.Path, LeNet5Network.Description.InputScaling).Take(testImages);
        using var trainer = new Trainer<LeNet5Network>(LeNet5Network.Description.Training, new ExecutionSettings { Threads = 1 });
        Trainer<LeNet5Network>.EpochRun run = trainer.BeginEpoch(train, 0);
        while (run.Progress.ImagesDone < images) run.Step();
        using var evaluator = new Evaluator<LeNet5Network>(threads: 1);
        return (run.Progress.RunningLoss, evaluator.Evaluate(trainer.Parameters, test).Accuracy);
    }

    /// <summary>What the seed recipe reaches: 97% after an epoch; 90% after a tenth of one.</summary>
    private static double MinimumAccuracy(int images) => images >= 60_000 ? 0.97 : images >= 6_400 ? 0.90 : images >= 3_200 ? 0.80 : 0.5;

    private static async Task<double> Number(IPage page, string selector) =>
        double.Parse((await page.Locator(selector).GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
}
