namespace LeNet5.Runtime.Data;

/// <summary>
/// Preprocessed MNIST images and their labels: images as floats <c>[Count, 1, Height, Width]</c>, normalized as the
/// PyTorch replications do (see <see cref="MnistPreprocessing"/>).
/// </summary>
public sealed class MnistDataset
{
    /// <summary>Creates a dataset from normalized images and labels.</summary>
    /// <param name="images"><c>count * height * width</c> normalized floats.</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    public MnistDataset(float[] images, byte[] labels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if ((long)labels.Length * height * width != images.Length)
            throw new ArgumentException($"{images.Length} floats are not {labels.Length} images of {height}x{width}", nameof(images));
        Images = images;
        Labels = labels;
        Height = height;
        Width = width;
    }

    /// <summary>The image file the set was read from, named in errors about it; null when built in memory.</summary>
    public string? Source { get; init; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Floats per image (<c>Height * Width</c>, one channel; the reader bounds it).</summary>
    public int ImageSize => Height * Width;

    /// <summary>Normalized images, <c>[Count, 1, Height, Width]</c>.</summary>
    public float[] Images { get; }

    /// <summary>Labels, 0 to 9.</summary>
    public byte[] Labels { get; }

    /// <summary>The normalized pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * ImageSize, ImageSize);

    /// <summary>The first <paramref name="count"/> images (or all if there are fewer).</summary>
    public MnistDataset Take(int count)
    {
        if (count >= Count) return this;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new MnistDataset(Images.AsSpan(0, count * ImageSize).ToArray(), Labels.AsSpan(0, count).ToArray(), Height, Width) { Source = Source };
    }

    /// <summary>The images after the first <paramref name="count"/> (none if there are fewer).</summary>
    public MnistDataset Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        count = Math.Min(count, Count);
        return new MnistDataset(Images.AsSpan(count * ImageSize).ToArray(), Labels.AsSpan(count).ToArray(), Height, Width) { Source = Source };
    }

    /// <summary>
    /// Checks that an image has the <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/>
    /// values a network takes.
    /// </summary>
    /// <exception cref="LeNet5Exception">It has not; the message names <see cref="Source"/>.</exception>
    public void CheckImageSize(string network, int channels, int height, int width)
    {
        if (ImageSize == (long)channels * height * width) return;
        string source = Source is null ? "" : Source + ": ";
        throw new LeNet5Exception(
            $"{source}the images are {Height}x{Width} ({ImageSize} values) but {network} takes {channels}x{height}x{width} ({channels * height * width} values)");
    }

    /// <summary>Reads an IDX image file and its label file, scaling pixels as <paramref name="scaling"/> says (default: the replications' standardization).</summary>
    /// <param name="imagesPath">The IDX image file.</param>
    /// <param name="labelsPath">The IDX label file.</param>
    /// <param name="scaling">How pixels become inputs.</param>
    /// <param name="classCount">Every label must be below it.</param>
    public static MnistDataset Load(string imagesPath, string labelsPath, InputScaling? scaling = null, int classCount = 10)
    {
        (IdxImages images, byte[] labels) = MnistReader.Read(imagesPath, labelsPath, classCount);
        float[] floats = new float[images.Pixels.Length];
        (scaling ?? InputScaling.Standardized).Scale(images.Pixels, floats);
        return new MnistDataset(floats, labels, images.Rows, images.Columns) { Source = imagesPath };
    }

    /// <summary>
    /// Loads the training images and labels of a data folder (<c>train-images-idx3-ubyte</c>, gzipped or not).
    /// With <paramref name="verifyMnistChecksums"/> (the default) gzipped files must be the original MNIST files;
    /// without it any IDX dataset laid out like MNIST (Fashion-MNIST, KMNIST, a re-gzipped copy) is read.
    /// </summary>
    public static MnistDataset LoadTraining(string folder, InputScaling? scaling = null, bool verifyMnistChecksums = true, int classCount = 10) =>
        Load(MnistFiles.Locate(folder, MnistFiles.TrainImages, verifyMnistChecksums), MnistFiles.Locate(folder, MnistFiles.TrainLabels, verifyMnistChecksums), scaling, classCount);

    /// <summary>Loads the test images and labels of a data folder (<c>t10k-images-idx3-ubyte</c>); see <see cref="LoadTraining"/>.</summary>
    public static MnistDataset LoadTest(string folder, InputScaling? scaling = null, bool verifyMnistChecksums = true, int classCount = 10) =>
        Load(MnistFiles.Locate(folder, MnistFiles.TestImages, verifyMnistChecksums), MnistFiles.Locate(folder, MnistFiles.TestLabels, verifyMnistChecksums), scaling, classCount);
}
