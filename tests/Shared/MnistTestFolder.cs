using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Tests;

/// <summary>
/// Where the real MNIST files are for the tests: $LENET5_DATA, else <c>shared/data/mnist</c> in an ancestor of the
/// test folder. Linked into every test project that reads MNIST.
/// </summary>
internal static class MnistTestFolder
{
    private static readonly Lazy<string> FolderValue = new(Find);

    public static string Path => FolderValue.Value;

    private static string Find()
    {
        // $LENET5_DATA may be relative to where `dotnet test` was started (the repository root), which is not the
        // test host's working folder: when it does not resolve here, look for shared/data/mnist above the tests.
        string? fromEnvironment = Environment.GetEnvironmentVariable(MnistDataLocator.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && Directory.Exists(fromEnvironment)) return System.IO.Path.GetFullPath(fromEnvironment);
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = System.IO.Path.Combine(directory.FullName, "shared", "data", "mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("MNIST not found: set LENET5_DATA or put the files in ../shared/data/mnist beside the repository");
    }
}
