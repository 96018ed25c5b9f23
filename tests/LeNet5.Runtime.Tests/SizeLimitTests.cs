using System.Buffers.Binary;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>Sizes from files and options are checked in <c>long</c> before anything is allocated or multiplied in <c>int</c>.</summary>
public sealed class SizeLimitTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteImages(string name, int count, int rows, int columns, int pixelBytes, bool gzip = false)
    {
        var bytes = new byte[16 + pixelBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, MnistReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        string path = _temp.File(name);
        File.WriteAllBytes(path, gzip ? IdxWriter.Gzip(bytes) : bytes);
        return path;
    }

    [Fact]
    public void A_header_declaring_more_than_the_limit_is_refused_before_allocating()
    {
        // 2^31 - 1 images of 2^31 - 1 x 2^31 - 1 overflow int and long arithmetic done in int.
        string path = WriteImages("huge", int.MaxValue, int.MaxValue, int.MaxValue, 0);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.StartsWith($"{path}: the header declares 2147483647 images of 2147483647x2147483647", error.Message);
        Assert.Contains($"more than the {MnistReader.MaxDataBytes} bytes this reader accepts", error.Message);
    }

    [Fact]
    public void A_header_whose_dimensions_multiply_past_a_long_is_refused()
    {
        // Found by fuzzing: the product wrapped to a negative long, passed every check and failed in new byte[].
        string path = WriteImages("wrapped", 0x031d0303, 0x03030303, 0x0303fb02, 4);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.StartsWith($"{path}: the header declares 52232963 images of 50529027x50592514, 133527850708428541130514 bytes", error.Message);
    }

    [Fact]
    public void A_header_declaring_more_than_the_raw_file_holds_is_refused_before_allocating()
    {
        // 1,000,000 images of 28x28 is 784 MB, within the limit, in a 100-byte file.
        string path = WriteImages("big", 1_000_000, 28, 28, 84);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "allocated the declared size");
        Assert.Equal($"{path}: truncated pixel data: the file ends after 100 bytes but must be 784000016 bytes long (expected 784000000 bytes of pixel data, got 84)", error.Message);
    }

    [Fact]
    public void A_header_declaring_more_than_a_gzip_file_can_hold_is_refused_before_allocating()
    {
        string path = WriteImages("big.gz", 1_000_000, 28, 28, 84, gzip: true);
        long length = new FileInfo(path).Length;
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.Equal($"{path}: the header declares 1000000 images of 28x28, 784000000 bytes of pixel data, more than a gzip file of {length} bytes can hold; the file is truncated or corrupt", error.Message);
    }

    [Fact]
    public void A_label_count_beyond_the_file_is_refused()
    {
        byte[] labels = IdxWriter.Labels(3);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), int.MaxValue);
        string path = _temp.File("labels");
        File.WriteAllBytes(path, labels);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadLabels(path));
        Assert.StartsWith($"{path}: the header declares 2147483647 labels", error.Message);
    }

    [Fact]
    public void Images_of_another_size_name_their_file()
    {
        // A data folder with raw (not gzipped, so not checksummed) 32x32 files.
        string folder = _temp.File("data32");
        Directory.CreateDirectory(folder);
        foreach ((MnistFile images, MnistFile labels) in new[] { (MnistFiles.TrainImages, MnistFiles.TrainLabels), (MnistFiles.TestImages, MnistFiles.TestLabels) })
        {
            File.WriteAllBytes(Path.Combine(folder, images.RawFileName), IdxWriter.Images(20, 32, 32));
            File.WriteAllBytes(Path.Combine(folder, labels.RawFileName), IdxWriter.Labels(20));
        }
        var stderr = new StringWriter();
        Assert.Equal(1, Lenet5Console.Run(["train", "--data", folder, "--epochs", "1", "--output", _temp.File("m.safetensors")], TextWriter.Null, stderr));
        string expected = $"lenet5: error: {Path.Combine(folder, MnistFiles.TrainImages.RawFileName)}: the images are 32x32 (1024 values) but LeNet5 takes 1x28x28 (784 values)";
        Assert.Equal(expected, stderr.ToString().Trim());

        stderr = new StringWriter();
        string checkpoint = _temp.File("zero.safetensors");
        Checkpoint.Save<LeNet5.Model.LeNet5Network>(checkpoint, new float[LeNet5.Model.LeNet5Network.ParameterCount]);
        Assert.Equal(1, Lenet5Console.Run(["evaluate", "--data", folder, "--checkpoint", checkpoint], TextWriter.Null, stderr));
        Assert.StartsWith($"lenet5: error: {Path.Combine(folder, MnistFiles.TestImages.RawFileName)}: the images are 32x32", stderr.ToString());
    }

    [Fact]
    public void A_batch_size_near_int_max_does_not_overflow()
    {
        MnistDataset data = TinyMlp.SyntheticData(100, 1);
        using var trainer = new Trainer<TinyMlp>(TestRecipes.Adam with { BatchSize = int.MaxValue, Optimizer = OptimizerKind.Sgd, LearningRate = 0.1f }, new ExecutionSettings { Threads = 2 });
        EpochResult result = trainer.TrainEpoch(data, 0);
        Assert.Equal(1, result.Steps); // the whole set in one step
    }

    [Fact]
    public void A_shard_size_too_large_for_memory_is_refused()
    {
        var error = Assert.Throws<LeNet5Exception>(() => new Trainer<TinyMlp>(TestRecipes.Adam, new ExecutionSettings { ShardSize = int.MaxValue, Threads = 1 }));
        Assert.StartsWith("shard size 2147483647 needs", error.Message);
    }
}
