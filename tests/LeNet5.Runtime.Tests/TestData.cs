using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Runtime.Tests;

/// <summary>Where the real MNIST files are: $LENET5_DATA, else <c>shared/data/mnist</c> in an ancestor of the test folder.</summary>
internal static class TestData
{
    private static readonly Lazy<MnistDataset> TrainSet = new(() => MnistDataset.LoadTraining(MnistFolder));
    private static readonly Lazy<MnistDataset> TestSet = new(() => MnistDataset.LoadTest(MnistFolder));

    public static string MnistFolder => LeNet5.Tests.MnistTestFolder.Path;

    public static MnistDataset Train => TrainSet.Value;

    public static MnistDataset Test => TestSet.Value;
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lenet5-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
