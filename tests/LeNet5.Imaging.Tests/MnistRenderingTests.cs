using System.Diagnostics;
using LeNet5.Model;
using Xunit.Abstractions;

namespace LeNet5.Imaging.Tests;

/// <summary>
/// The key test: MNIST test digits re-rendered as people's images and prepared by <see cref="DigitImage"/> are
/// classified by the packaged model about as well as the same digits in MNIST form.
/// </summary>
public sealed class MnistRenderingTests(ITestOutputHelper output)
{
    private const int DigitsPerRendering = 500;
    private const double AllowedDrop = 1.5;

    [Fact]
    public void Rendered_digits_are_classified_as_well_as_in_MNIST_form()
    {
        int mnistCorrect = Enumerable.Range(0, DigitsPerRendering)
            .Count(i => DigitClassifier.Classify(MnistTestDigits.Image(i)).Digit == MnistTestDigits.Label(i));
        double mnist = 100.0 * mnistCorrect / DigitsPerRendering;
        output.WriteLine($"{"rendering",-42} accuracy  (MNIST form: {mnist:F2}% of the first {DigitsPerRendering} test digits)");

        var failures = new List<string>();
        for (int r = 0; r < Renderings.All.Count; r++)
        {
            (string name, Func<byte[], Random, RenderedImage> render) = Renderings.All[r];
            var clock = Stopwatch.StartNew();
            int correct = 0;
            Parallel.For(0, DigitsPerRendering, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                var random = new Random(r * 100_000 + i);
                DigitImage prepared = render(MnistTestDigits.Image(i), random).Prepare();
                if (DigitClassifier.Classify(prepared.Pixels).Digit == MnistTestDigits.Label(i)) Interlocked.Increment(ref correct);
            });
            double accuracy = 100.0 * correct / DigitsPerRendering;
            output.WriteLine($"{name,-42} {accuracy,7:F2}%  ({clock.Elapsed.TotalSeconds:F1} s)");
            if (accuracy < mnist - AllowedDrop) failures.Add($"{name}: {accuracy:F2}%");
        }
        Assert.True(failures.Count == 0, $"more than {AllowedDrop} points below {mnist:F2}%: {string.Join("; ", failures)}");
    }
}
