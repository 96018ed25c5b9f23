using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli.Pictures;

/// <summary>Where <c>evaluate</c> wrote its pictures; <see cref="Filters"/> is null for a network without a convolution.</summary>
internal sealed record PicturePaths(string Confusion, string Misclassified, string? Filters);

/// <summary>
/// The pictures of <c>evaluate</c>, written atomically as <c>STEM.confusion.png</c>, <c>STEM.misclassified.png</c> and
/// <c>STEM.filters.png</c> (the first convolution's kernels), STEM being the checkpoint's file name without extension.
/// </summary>
internal static class EvaluationPictures
{
    /// <summary>Renders and writes the pictures into <paramref name="folder"/>.</summary>
    /// <exception cref="LeNet5Exception">A picture cannot be written.</exception>
    public static PicturePaths Write<TNetwork>(string folder, string stem, EvaluationResult result, IReadOnlyList<Misclassification> mistakes, MnistDataset data, ReadOnlySpan<float> parameters)
        where TNetwork : struct, INetwork
    {
        NetworkDescription network = TNetwork.Description;
        string images = $"{result.Count:N0} test images";
        string confusion = Path.Combine(folder, stem + ".confusion.png");
        Save(confusion, ConfusionPicture.Render($"{network.Name}: confusion matrix on {images}, {result.Accuracy * 100:F2}% correct", network.ClassNames, result), "confusion matrix");

        string misclassified = Path.Combine(folder, stem + ".misclassified.png");
        Save(misclassified, MistakesPicture.Render($"{network.Name}: misclassified images", network.ClassNames, mistakes, data, network.InputScaling), "misclassified images");

        LayerDescription? layer = FiltersPicture.FirstConvolution(network.Layers);
        string? filters = null;
        if (layer is not null)
        {
            ParameterTensor weight = network.ParameterTensors.Single(t => t.Name == layer.ParameterNames[0]);
            filters = Path.Combine(folder, stem + ".filters.png");
            Save(filters, FiltersPicture.Render($"{network.Name}: filters of the first convolution", layer, parameters.Slice(weight.Offset, weight.Length)), "filters");
        }
        return new PicturePaths(confusion, misclassified, filters);
    }

    private static void Save(string path, byte[] png, string what)
    {
        try
        {
            AtomicFile.Write(path, png);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot write the picture of the {what}: {e.Message} (choose a folder with --pictures DIR, or --no-pictures)", e);
        }
    }
}
