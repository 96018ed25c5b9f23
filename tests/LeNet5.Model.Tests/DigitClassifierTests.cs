using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;

namespace LeNet5.Model.Tests;

/// <summary>The packaged classifier: embedded weights, accuracy, agreement of its overloads, no allocation, threads.</summary>
public sealed class DigitClassifierTests
{
    [Fact]
    public void Embedded_weights_are_read_in_place()
    {
        // Checked against architecture.json when LeNet5.Model was built (a misfit fails the build), read without a copy.
        Assert.True(LeNet5Classifier.Embedded.ParametersAreInPlace);
        Assert.Equal(LeNet5Network.ParameterCount, DigitClassifier.Parameters.Length);
    }

    [Fact]
    public void Embedded_weights_are_the_committed_checkpoint()
    {
        string path = Path.Combine(RepositoryPaths.Root, "src", "LeNet5.Model", "Weights", "lenet5.safetensors");
        Checkpoint committed = Checkpoint.Load<LeNet5Network>(path);
        Assert.True(committed.Parameters.AsSpan().SequenceEqual(DigitClassifier.Parameters));
        Assert.Equal("LeNet5", committed.Metadata[Checkpoint.ArchitectureKey]);
    }

    [Fact]
    public void Packaged_model_scores_at_least_99_percent_on_the_mnist_test_set()
    {
        byte[] pixels = MnistTestSet.Pixels;
        byte[] labels = MnistTestSet.Labels;
        var predictions = new DigitPrediction[labels.Length];
        DigitClassifier.Classify(pixels, predictions);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++) correct += predictions[i].Digit == labels[i] ? 1 : 0;
        double accuracy = (double)correct / labels.Length;
        Assert.True(accuracy >= 0.99, $"accuracy {accuracy:P2} on {labels.Length} test images is below 99.00%");
    }

    [Fact]
    public void Byte_float_single_and_batch_overloads_agree_with_the_network()
    {
        const int count = 8;
        ReadOnlySpan<byte> images = MnistTestSet.Pixels.AsSpan(0, count * DigitClassifier.PixelCount);
        var normalized = new float[images.Length];
        DigitClassifier.Normalize(images, normalized);
        var logits = new float[count * DigitClassifier.DigitCount];
        LeNet5Network.Infer(DigitClassifier.Parameters, normalized, logits, new float[count * LeNet5Network.WorkspaceSize], count);

        var fromBytes = new DigitPrediction[count];
        var fromFloats = new DigitPrediction[count];
        DigitClassifier.Classify(images, fromBytes);
        DigitClassifier.Classify(normalized, fromFloats);
        for (int i = 0; i < count; i++)
        {
            var expected = new DigitPrediction(logits.AsSpan(i * 10, 10));
            Assert.Equal(expected, fromBytes[i]);
            Assert.Equal(expected, fromFloats[i]);
            Assert.Equal(expected, DigitClassifier.Classify(images.Slice(i * 784, 784)));
            Assert.Equal(expected, DigitClassifier.Classify(normalized.AsSpan(i * 784, 784)));
            Assert.Equal(MnistPreprocessing.Normalize(images[i * 784 + 300]), normalized[i * 784 + 300]);
        }
    }

    [Fact]
    public void Probabilities_sum_to_one_and_the_digit_is_the_most_likely()
    {
        DigitPrediction prediction = DigitClassifier.Classify(MnistTestSet.Pixels.AsSpan(0, 784));
        Span<float> probabilities = stackalloc float[10];
        prediction.CopyProbabilitiesTo(probabilities);
        float sum = 0;
        for (int d = 0; d < 10; d++)
        {
            Assert.Equal(probabilities[d], prediction[d]);
            Assert.InRange(probabilities[d], 0f, 1f);
            Assert.True(probabilities[d] <= prediction.Confidence);
            sum += probabilities[d];
        }
        Assert.Equal(1f, sum, 1e-5f);
        Assert.Equal(MnistTestSet.Labels[0], prediction.Digit);
        Assert.Throws<ArgumentOutOfRangeException>(() => prediction[10]);
    }

    [Fact]
    public void Wrong_lengths_are_refused_with_the_expected_size()
    {
        var error = Assert.Throws<ArgumentException>(() => DigitClassifier.Classify(new byte[783]));
        Assert.Contains("784 pixels, not 783", error.Message);
        Assert.Throws<ArgumentException>(() => DigitClassifier.Classify(new float[785]));
        Assert.Throws<ArgumentException>(() => DigitClassifier.Classify(new byte[784 * 2], new DigitPrediction[3]));
    }

    [Fact]
    public void Classifying_allocates_nothing()
    {
        byte[] image = MnistTestSet.Pixels.AsSpan(0, 784).ToArray();
        var normalized = new float[784];
        DigitClassifier.Normalize(image, normalized);
        byte[] batch = MnistTestSet.Pixels.AsSpan(0, 4 * 784).ToArray();
        var predictions = new DigitPrediction[4];
        int digits = 0;
        for (int i = 0; i < 3; i++)
        {
            digits += DigitClassifier.Classify(image).Digit + DigitClassifier.Classify(normalized).Digit;
            DigitClassifier.Classify(batch, predictions);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            digits += DigitClassifier.Classify(image).Digit + DigitClassifier.Classify(normalized).Digit;
            DigitClassifier.Classify(batch, predictions);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(digits > 0);
    }

    [Fact]
    public void Concurrent_callers_get_the_same_answers()
    {
        const int count = 200;
        byte[] images = MnistTestSet.Pixels.AsSpan(0, count * 784).ToArray();
        var expected = new DigitPrediction[count];
        DigitClassifier.Classify(images, expected);
        var results = new DigitPrediction[4][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var mine = new DigitPrediction[count];
            for (int i = 0; i < count; i++) mine[i] = DigitClassifier.Classify(images.AsSpan(i * 784, 784));
            results[t] = mine;
        });
        foreach (DigitPrediction[] result in results) Assert.Equal(expected, result);
    }
}
