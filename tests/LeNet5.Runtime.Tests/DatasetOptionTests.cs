using LeNet5.Runtime.Data;

namespace LeNet5.Runtime.Tests;

/// <summary><c>--dataset idx</c>: IDX datasets other than MNIST itself (Fashion-MNIST, KMNIST, re-gzipped copies).</summary>
public sealed class DatasetOptionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A folder of gzipped IDX files laid out like MNIST but not byte-identical to it, as Fashion-MNIST is.</summary>
    private string OtherDataset(int train, int test, Func<int, byte>? label = null)
    {
        string folder = _temp.File("other");
        Directory.CreateDirectory(folder);
        void Write(MnistFile file, byte[] content) => File.WriteAllBytes(Path.Combine(folder, file.FileName), IdxWriter.Gzip(content));
        byte[] Labels(int count)
        {
            byte[] bytes = IdxWriter.Labels(count);
            if (label is not null) for (int i = 0; i < count; i++) bytes[8 + i] = label(i);
            return bytes;
        }
        Write(MnistFiles.TrainImages, IdxWriter.Images(train, 28, 28));
        Write(MnistFiles.TrainLabels, Labels(train));
        Write(MnistFiles.TestImages, IdxWriter.Images(test, 28, 28));
        Write(MnistFiles.TestLabels, Labels(test));
        return folder;
    }

    private static (int Code, string Out, string Error) Run(params string[] args) => Lenet5Console.Capture(args);

    [Fact]
    public void Another_idx_dataset_is_refused_as_mnist_and_trains_with_dataset_idx()
    {
        string folder = OtherDataset(200, 100);
        string checkpoint = _temp.File("out/model.safetensors");

        var asMnist = Run("train", "--data", folder, "--epochs", "1", "--output", checkpoint);
        Assert.Equal(1, asMnist.Code);
        Assert.Contains($"{Path.Combine(folder, MnistFiles.TrainImages.FileName)}: SHA-256 mismatch", asMnist.Error);
        Assert.Contains("pass --dataset idx", asMnist.Error);

        var asIdx = Run("train", "--data", folder, "--dataset", "idx", "--epochs", "1", "--threads", "1", "--output", checkpoint);
        Assert.True(asIdx.Code == 0, asIdx.Error);
        Assert.Contains("200 training and 100 test images", asIdx.Out);

        var evaluate = Run("evaluate", "--data", folder, "--dataset", "idx", "--checkpoint", checkpoint);
        Assert.True(evaluate.Code == 0, evaluate.Error);
        Assert.Matches(@"accuracy: \d+\.\d\d% \(\d+ of 100\)", evaluate.Out);
    }

    [Fact]
    public void Labels_beyond_the_networks_classes_are_refused_naming_the_file()
    {
        string folder = OtherDataset(50, 20, i => (byte)(i % 26)); // letters: 26 classes for a 10-class network
        var result = Run("train", "--data", folder, "--dataset", "idx", "--epochs", "1", "--output", _temp.File("x.safetensors"));
        Assert.Equal(1, result.Code);
        Assert.True(result.Error.Contains($"{Path.Combine(folder, MnistFiles.TrainLabels.FileName)}: label 10 at index 10 is out of range; labels must be 0 to 9"), result.Error);
    }

    [Fact]
    public void Dataset_idx_needs_a_folder()
    {
        // The test run may set LENET5_DATA, which counts as giving a folder; without it, the error says what to do.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MnistDataLocator.EnvironmentVariable)))
        {
            var result = Run("train", "--dataset", "idx", "--output", _temp.File("x.safetensors"));
            Assert.Equal(1, result.Code);
            Assert.Contains("--dataset idx reads the files of a folder you give: pass --data DIR", result.Error);
        }
        var unknown = Run("evaluate", "--dataset", "fashion");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("fashion", unknown.Error);
    }
}
