namespace LeNet5.Onnx.Tests;

/// <summary>
/// The files PyTorch made (shared/oracle beside the repository, see its README): found beside $LENET5_DATA's
/// shared/data/mnist, else in an ancestor of the test folder.
/// </summary>
internal static class PyTorchOracle
{
    /// <summary>On the 10,000 MNIST test images, PyTorch's own count of correct answers with the exported weights.</summary>
    public const int PyTorchCorrect = 9884;

    private static readonly Lazy<string> FolderValue = new(Find);

    /// <summary>PyTorch's own ONNX export of the seed network: input [n, 1, 32, 32] (padded and normalized), output logits.</summary>
    public static string SeedModel => Path.Combine(FolderValue.Value, "pytorch-lenet5.onnx");

    private static string Find()
    {
        // shared/data/mnist and shared/oracle are siblings' children: $LENET5_DATA/../../oracle.
        string mnist = LeNet5.Tests.MnistTestFolder.Path;
        string beside = Path.GetFullPath(Path.Combine(mnist, "..", "..", "oracle"));
        if (File.Exists(Path.Combine(beside, "pytorch-lenet5.onnx"))) return beside;
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared", "oracle");
            if (File.Exists(Path.Combine(candidate, "pytorch-lenet5.onnx"))) return candidate;
        }
        throw new InvalidOperationException("the PyTorch oracle was not found: it is shared/oracle beside the repository");
    }
}
