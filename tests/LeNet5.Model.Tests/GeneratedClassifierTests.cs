using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Loss;

namespace LeNet5.Model.Tests;

/// <summary>
/// The generated classifiers: LeNet5Classifier with the weights LeNet5.Model embeds, checkpoints, class names, misfits,
/// and no allocation per call, also for a network too large for stack scratch (LettersClassifier).
/// </summary>
public sealed class GeneratedClassifierTests
{
    private static string CommittedCheckpoint => Path.Combine(RepositoryPaths.Root, "src", "LeNet5.Model", "Weights", "lenet5.safetensors");

    [Fact]
    public void Embedded_classifier_matches_infer_and_softmax_on_mnist_test_images()
    {
        const int count = 500;
        ReadOnlySpan<byte> images = MnistTestSet.Pixels.AsSpan(0, count * LeNet5Network.InputSize);
        var input = new float[images.Length];
        LeNet5Network.Description.InputScaling.Scale(images, input);
        var logits = new float[count * LeNet5Network.ClassCount];
        LeNet5Network.Infer(DigitClassifier.Parameters, input, logits, new float[count * LeNet5Network.WorkspaceSize], count);

        var predictions = new LeNet5Prediction[count];
        LeNet5Classifier.Embedded.Classify(images, predictions);
        Span<float> expected = stackalloc float[LeNet5Network.ClassCount];
        Span<float> actual = stackalloc float[LeNet5Network.ClassCount];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(i * LeNet5Network.ClassCount, LeNet5Network.ClassCount);
            SoftmaxCrossEntropy.Softmax(row, expected);
            predictions[i].CopyProbabilitiesTo(actual);
            Assert.Equal(SoftmaxCrossEntropy.ArgMax(row), predictions[i].ClassIndex);
            Assert.True(expected.SequenceEqual(actual), $"image {i}: probabilities differ");
            Assert.Equal(expected[predictions[i].ClassIndex], predictions[i].Probability);
            Assert.Equal(predictions[i], LeNet5Classifier.Embedded.Classify(input.AsSpan(i * LeNet5Network.InputSize, LeNet5Network.InputSize)));
        }
    }

    [Fact]
    public void From_checkpoint_file_stream_and_parameters_give_the_embedded_answers()
    {
        LeNet5Classifier fromFile = LeNet5Classifier.FromCheckpoint(CommittedCheckpoint);
        LeNet5Classifier fromStream;
        using (FileStream stream = File.OpenRead(CommittedCheckpoint)) fromStream = LeNet5Classifier.FromCheckpoint(stream);
        LeNet5Classifier fromParameters = LeNet5Classifier.FromParameters(DigitClassifier.Parameters);

        Assert.False(fromFile.ParametersAreInPlace);
        Assert.True(fromFile.Parameters.SequenceEqual(LeNet5Classifier.Embedded.Parameters));
        Assert.True(fromStream.Parameters.SequenceEqual(LeNet5Classifier.Embedded.Parameters));
        ReadOnlySpan<byte> image = MnistTestSet.Pixels.AsSpan(0, LeNet5Network.InputSize);
        LeNet5Prediction expected = LeNet5Classifier.Embedded.Classify(image);
        Assert.Equal(expected, fromFile.Classify(image));
        Assert.Equal(expected, fromParameters.Classify(image));
        Assert.Equal("7", expected.ClassName);
        Assert.Equal(MnistTestSet.Labels[0], expected.ClassIndex);
    }

    [Fact]
    public void Class_names_come_from_the_architecture_file()
    {
        Assert.Equal(new[] { "alpha", "beta", "gamma" }, LettersNetwork.Description.ClassNames);
        LettersClassifier classifier = LettersClassifier.FromParameters(LettersParameters());
        var image = new byte[LettersNetwork.InputSize];
        for (int i = 0; i < image.Length; i++) image[i] = (byte)(i * 7);
        LettersPrediction prediction = classifier.Classify(image);

        Assert.Equal(LettersNetwork.Description.ClassNames[prediction.ClassIndex], prediction.ClassName);
        Assert.StartsWith(prediction.ClassName + " (", prediction.ToString());
        Assert.Equal(1f, prediction[0] + prediction[1] + prediction[2], 1e-5f);
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_gives_one_line_naming_the_file_and_the_tensor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lenet5-misfit-{Guid.NewGuid():N}.safetensors");
        try
        {
            // The seed's tensors with C1 widened to 7 filters: what weights trained before an edit of architecture.json look like.
            ParameterTensor[] tensors = LeNet5Network.Description.ParameterTensors
                .Select(t => t.Name == "c1.weight" ? t with { Shape = [7, 1, 5, 5] } : t)
                .ToArray();
            SafeTensors.Save(path, tensors, new float[LeNet5Network.ParameterCount + 25]);

            var error = Assert.Throws<CheckpointException>(() => LeNet5Classifier.FromCheckpoint(path));
            Assert.Equal($"{path}: tensor 'c1.weight' has shape [7, 1, 5, 5] but the architecture LeNet5 expects [6, 1, 5, 5]", error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LettersClassifier.FromParameters(new float[3]));
        Assert.Contains($"Letters has {LettersNetwork.ParameterCount} parameters, not 3", error.Message);
        var image = Assert.Throws<ArgumentException>(() => LeNet5Classifier.Embedded.Classify(new byte[100]));
        Assert.Contains("an image is 28x28 = 784 pixels, not 100", image.Message);
        Assert.Throws<ArgumentException>(() => new LettersPrediction(new float[4]));
    }

    [Fact]
    public void Classifying_allocates_nothing_on_the_stack_path_nor_the_per_thread_path()
    {
        // LeNet5's scratch fits on the stack; Letters' (64x64 input, 8x62x62 maps) takes the per-thread buffer.
        Assert.True(LettersNetwork.InputSize + LettersNetwork.WorkspaceSize > 32 * 1024);
        LettersClassifier letters = LettersClassifier.FromParameters(LettersParameters());
        LeNet5Classifier digits = LeNet5Classifier.Embedded;
        byte[] digit = MnistTestSet.Pixels.AsSpan(0, 4 * LeNet5Network.InputSize).ToArray();
        var letter = new byte[2 * LettersNetwork.InputSize];
        var normalized = new float[LettersNetwork.InputSize];
        var digitPredictions = new LeNet5Prediction[4];
        var letterPredictions = new LettersPrediction[2];
        int total = 0;
        void ClassifyAll()
        {
            total += digits.Classify(digit.AsSpan(0, LeNet5Network.InputSize)).ClassIndex;
            digits.Classify(digit, digitPredictions);
            total += letters.Classify(letter.AsSpan(0, LettersNetwork.InputSize)).ClassIndex + letters.Classify(normalized).ClassIndex;
            letters.Classify(letter, letterPredictions);
        }

        ClassifyAll(); // the first call on a thread allocates its buffer for Letters
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) ClassifyAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(total >= 0);
    }

    private static float[] LettersParameters()
    {
        var parameters = new float[LettersNetwork.ParameterCount];
        LettersNetwork.InitializeParameters(parameters, new Random(5));
        return parameters;
    }
}
