using LeNet5.Cli.Pictures;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>The pictures of <c>evaluate</c> for the networks and results the MNIST tests do not reach.</summary>
public sealed class EvaluationPicturesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (float[] Parameters, MnistDataset Data) TinyMlpOnNoise(int images)
    {
        var random = new Random(5);
        var parameters = new float[TinyMlp.ParameterCount];
        TinyMlp.InitializeParameters(parameters, random);
        float[] pixels = [.. Enumerable.Range(0, images * TinyMlp.InputSize).Select(_ => (float)random.NextDouble())];
        byte[] labels = [.. Enumerable.Range(0, images).Select(i => (byte)(i % TinyMlp.ClassCount))];
        return (parameters, new MnistDataset(pixels, labels, TinyMlp.Description.Input.Height, TinyMlp.Description.Input.Width));
    }

    [Fact]
    public void A_network_without_a_convolution_gets_no_filters_picture()
    {
        (float[] parameters, MnistDataset data) = TinyMlpOnNoise(60);
        using var evaluator = new Evaluator<TinyMlp>(1);
        EvaluationResult result = evaluator.Evaluate(parameters, data);
        Assert.NotEmpty(result.Misclassified());

        PicturePaths paths = EvaluationPictures.Write<TinyMlp>(_temp.Path, "tiny", result, result.Misclassified(), data, parameters);
        Assert.Null(paths.Filters);
        Assert.Equal(["tiny.confusion.png", "tiny.misclassified.png"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(_temp.Path), file => Assert.Equal(0x89, File.ReadAllBytes(file)[0]));
    }

    [Fact]
    public void A_result_without_mistakes_still_has_its_pictures()
    {
        (float[] parameters, MnistDataset noise) = TinyMlpOnNoise(30);
        using var evaluator = new Evaluator<TinyMlp>(1);
        // Labelled with the network's own answers, every image is right.
        var data = new MnistDataset(noise.Images, evaluator.Evaluate(parameters, noise).Predictions, noise.Height, noise.Width);
        EvaluationResult result = evaluator.Evaluate(parameters, data);
        Assert.Equal(1, result.Accuracy);
        Assert.Empty(result.Misclassified());

        PicturePaths paths = EvaluationPictures.Write<TinyMlp>(_temp.Path, "perfect", result, result.Misclassified(), data, parameters);
        Assert.True(new FileInfo(paths.Confusion).Length > 0);
        Assert.True(new FileInfo(paths.Misclassified).Length > 0);
    }
}
