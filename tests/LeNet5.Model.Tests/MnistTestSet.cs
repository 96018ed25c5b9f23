using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Model.Tests;

/// <summary>The MNIST test set as raw bytes: $LENET5_DATA, else <c>shared/data/mnist</c> in an ancestor of the test folder.</summary>
internal static class MnistTestSet
{
    private static readonly Lazy<(IdxImages Images, byte[] Labels)> Data = new(() => MnistReader.Read(
        Path.Combine(Folder, MnistFiles.TestImages.FileName), Path.Combine(Folder, MnistFiles.TestLabels.FileName)));

    public static string Folder => LeNet5.Tests.MnistTestFolder.Path;

    public static byte[] Pixels => Data.Value.Images.Pixels;

    public static byte[] Labels => Data.Value.Labels;
}
