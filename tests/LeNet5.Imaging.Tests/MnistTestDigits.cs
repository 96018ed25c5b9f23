using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Imaging.Tests;

/// <summary>The MNIST test set as 28x28 bytes: $LENET5_DATA, else <c>shared/data/mnist</c> above the tests.</summary>
internal static class MnistTestDigits
{
    private static readonly Lazy<(IdxImages Images, byte[] Labels)> Data = new(() => MnistReader.Read(
        Path.Combine(LeNet5.Tests.MnistTestFolder.Path, MnistFiles.TestImages.FileName),
        Path.Combine(LeNet5.Tests.MnistTestFolder.Path, MnistFiles.TestLabels.FileName)));

    public const int Size = 28;

    public static byte Label(int index) => Data.Value.Labels[index];

    public static byte[] Image(int index) => Data.Value.Images.Pixels.AsSpan(index * Size * Size, Size * Size).ToArray();
}
