using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Runtime.Tests;

public sealed class MnistReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_the_real_training_set()
    {
        string folder = TestData.MnistFolder;
        IdxImages images = MnistReader.ReadImages(Path.Combine(folder, "train-images-idx3-ubyte.gz"));
        byte[] labels = MnistReader.ReadLabels(Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        Assert.Equal(60000, images.Count);
        Assert.Equal(28, images.Rows);
        Assert.Equal(28, images.Columns);
        Assert.Equal(60000 * 784, images.Pixels.Length);
        Assert.Equal(new byte[] { 5, 0, 4, 1, 9 }, labels[..5]);
    }

    [Fact]
    public void Reads_and_normalizes_the_real_test_set()
    {
        MnistDataset test = TestData.Test;
        Assert.Equal(10000, test.Count);
        Assert.Equal(new byte[] { 7, 2, 1, 0, 4 }, test.Labels[..5]);
        Assert.Equal(10000 * 784, test.Images.Length);
        // Background pixels (0) become -0.1307/0.3081; full ink (255) becomes (1-0.1307)/0.3081.
        Assert.Equal(-0.1307f / 0.3081f, test.Images[0], 6);
        Assert.Equal((1f - 0.1307f) / 0.3081f, test.Images.Max(), 6);
        // The training set's mean after normalization is close to 0 and its deviation close to 1.
        double mean = TestData.Train.Images.Average(x => (double)x);
        Assert.InRange(mean, -0.01, 0.01);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_crafted_files_raw_or_gzipped(bool gzip)
    {
        string images = Write("img", IdxWriter.Images(3, 4, 5), gzip);
        string labels = Write("lbl", IdxWriter.Labels(3), gzip);
        (IdxImages read, byte[] readLabels) = MnistReader.Read(images, labels);
        Assert.Equal((3, 4, 5), (read.Count, read.Rows, read.Columns));
        Assert.Equal(IdxWriter.Images(3, 4, 5)[16..], read.Pixels);
        Assert.Equal(new byte[] { 0, 1, 2 }, readLabels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_image_file_names_the_file_and_the_lengths(bool gzip)
    {
        byte[] full = IdxWriter.Images(3, 4, 5);
        string path = Write("images-truncated", full[..^7], gzip);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("expected 60 bytes of pixel data, got 53", error.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        string path = Write("short", IdxWriter.Labels(3)[..5], gzip: false);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadLabels(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated header", error.Message);
    }

    [Fact]
    public void Extra_bytes_are_reported()
    {
        string path = Write("long", [.. IdxWriter.Labels(3), 1, 2], gzip: true);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadLabels(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("should be 11 bytes long but has 2 bytes more", error.Message);
    }

    [Fact]
    public void Wrong_magic_is_reported_with_both_numbers()
    {
        string path = Write("magic", IdxWriter.Images(2, 2, 2, magic: 1234), gzip: false);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("wrong magic number 1234", error.Message);
        Assert.Contains("2051", error.Message);
    }

    [Fact]
    public void Swapped_files_are_recognised()
    {
        string labels = Write("labels", IdxWriter.Labels(4), gzip: true);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(labels));
        Assert.Contains("wrong magic number 2049", error.Message);
        Assert.Contains("swapped", error.Message);
    }

    [Fact]
    public void Count_mismatch_between_images_and_labels_names_both_files()
    {
        string images = Write("img", IdxWriter.Images(3, 2, 2), gzip: true);
        string labels = Write("lbl", IdxWriter.Labels(4), gzip: true);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.Read(images, labels));
        Assert.Contains(images, error.Message);
        Assert.Contains(labels, error.Message);
        Assert.Contains("3 images", error.Message);
        Assert.Contains("4 labels", error.Message);
    }

    [Fact]
    public void Header_count_larger_than_the_data_is_truncation()
    {
        string path = Write("declared", IdxWriter.Images(3, 2, 2, declaredCount: 5), gzip: false);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.Contains("expected 20 bytes of pixel data, got 12", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        byte[] gz = IdxWriter.Gzip(IdxWriter.Images(50, 28, 28));
        for (int i = 20; i < gz.Length - 10; i += 3) gz[i] ^= 0x5a;
        string path = _temp.File("corrupt.gz");
        File.WriteAllBytes(path, gz);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Contains("corrupt gzip") || error.Message.Contains("truncated"), error.Message);
    }

    [Fact]
    public void Label_out_of_range_is_reported()
    {
        byte[] labels = IdxWriter.Labels(3);
        labels[9] = 12;
        string path = Write("range", labels, gzip: false);
        var error = Assert.Throws<MnistFormatException>(() => MnistReader.ReadLabels(path));
        Assert.Contains("label 12 at index 1", error.Message);
    }

    [Fact]
    public void Missing_file_is_a_data_file_error_naming_it()
    {
        string path = _temp.File("nothing-here.gz");
        var error = Assert.Throws<DataFileException>(() => MnistReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void Missing_file_in_data_folder_says_how_to_provide_the_data()
    {
        var error = Assert.Throws<DataFileException>(() => MnistDataset.LoadTest(_temp.Path));
        Assert.Contains("t10k-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("--data", error.Message);
        Assert.Contains("LENET5_DATA", error.Message);
    }

    [Fact]
    public void Missing_data_folder_names_the_option()
    {
        string missing = _temp.File("no-such-folder");
        var error = Assert.Throws<DataFileException>(() => MnistDataLocator.Resolve(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("--data", error.Message);
    }

    private string Write(string name, byte[] content, bool gzip)
    {
        string path = _temp.File(name + (gzip ? ".gz" : ""));
        File.WriteAllBytes(path, gzip ? IdxWriter.Gzip(content) : content);
        return path;
    }
}
