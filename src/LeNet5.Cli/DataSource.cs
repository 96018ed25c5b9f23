using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Cli;

/// <summary>What <c>--data</c> holds.</summary>
public enum DatasetKind
{
    /// <summary>The original MNIST files: gzipped files must match their published SHA-256; missing ones are downloaded.</summary>
    Mnist,

    /// <summary>Any IDX dataset laid out like MNIST (Fashion-MNIST, KMNIST, a re-gzipped copy): read as it is, never downloaded.</summary>
    Idx,
}

/// <summary>The data of a command: the folder found, its files loaded and checked against the network.</summary>
internal static class DataSource
{
    /// <summary>The names <c>--dataset</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mnist", "idx"];

    /// <summary>The kind named <paramref name="name"/> (null: MNIST).</summary>
    public static DatasetKind Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "mnist" => DatasetKind.Mnist,
        "idx" => DatasetKind.Idx,
        _ => throw new LeNet5Exception($"unknown --dataset '{name}'; use one of: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// The data folder: <c>--data</c>, else <c>$LENET5_DATA</c>, else MNIST's cache folder (downloading into it). Only the
    /// test files are needed (and fetched) unless <paramref name="withTrainingFiles"/>.
    /// </summary>
    public static string Resolve(string? folder, DatasetKind kind, Output output, bool withTrainingFiles = false)
    {
        if (kind == DatasetKind.Idx && string.IsNullOrWhiteSpace(folder)
            && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MnistDataLocator.EnvironmentVariable)))
        {
            throw new LeNet5Exception("--dataset idx reads the files of a folder you give: pass --data DIR (only MNIST itself is downloaded)");
        }
        return MnistDataLocator.Resolve(folder, withTrainingFiles ? MnistFiles.All : MnistFiles.Test, new MnistDownloader { Log = output.Error.WriteLine });
    }

    /// <summary>The training images and labels, every label a class of <typeparamref name="TNetwork"/>.</summary>
    public static MnistDataset LoadTraining<TNetwork>(string folder, DatasetKind kind) where TNetwork : struct, INetwork =>
        MnistDataset.LoadTraining(folder, TNetwork.Description.InputScaling, kind == DatasetKind.Mnist, TNetwork.Description.ClassCount);

    /// <summary>The test images and labels, every label a class of <typeparamref name="TNetwork"/>.</summary>
    public static MnistDataset LoadTest<TNetwork>(string folder, DatasetKind kind) where TNetwork : struct, INetwork =>
        MnistDataset.LoadTest(folder, TNetwork.Description.InputScaling, kind == DatasetKind.Mnist, TNetwork.Description.ClassCount);
}
