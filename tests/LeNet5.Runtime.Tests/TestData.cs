using LeNet5.Runtime;

namespace LeNet5.Runtime.Tests;

/// <summary>Where the real MNIST files are: $LENET5_DATA, else <c>shared/data/mnist</c> in an ancestor of the test folder.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Folder = new(FindFolder);
    private static readonly Lazy<MnistDataset> TrainSet = new(() => MnistDataset.LoadTraining(MnistFolder));
    private static readonly Lazy<MnistDataset> TestSet = new(() => MnistDataset.LoadTest(MnistFolder));

    public static string MnistFolder => Folder.Value;

    public static MnistDataset Train => TrainSet.Value;

    public static MnistDataset Test => TestSet.Value;

    private static string FindFolder()
    {
        // $LENET5_DATA may be relative to where `dotnet test` was started (the repository root), which is not the
        // test host's working folder: when it does not resolve here, look for shared/data/mnist above the tests.
        string? fromEnvironment = Environment.GetEnvironmentVariable(MnistDataLocator.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && Directory.Exists(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared", "data", "mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("MNIST not found: set LENET5_DATA or put the files in ../shared/data/mnist beside the repository");
    }
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
