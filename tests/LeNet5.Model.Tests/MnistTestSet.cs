using LeNet5.Runtime;

namespace LeNet5.Model.Tests;

/// <summary>The MNIST test set as raw bytes: $LENET5_DATA, else <c>shared/data/mnist</c> in an ancestor of the test folder.</summary>
internal static class MnistTestSet
{
    private static readonly Lazy<string> FolderValue = new(FindFolder);
    private static readonly Lazy<(IdxImages Images, byte[] Labels)> Data = new(() => MnistReader.Read(
        Path.Combine(Folder, MnistFiles.TestImages.FileName), Path.Combine(Folder, MnistFiles.TestLabels.FileName)));

    public static string Folder => FolderValue.Value;

    public static byte[] Pixels => Data.Value.Images.Pixels;

    public static byte[] Labels => Data.Value.Labels;

    private static string FindFolder()
    {
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
