using LeNet5.Imaging;

namespace LeNet5.Model.Tests;

/// <summary>The classifiers on images drawn as people draw them (samples/images: any size, either polarity), not in MNIST's form.</summary>
public sealed class DrawnImageTests
{
    public static TheoryData<string, int> Drawn => new()
    {
        { "seven-drawn-280.png", 7 },
        { "nine-drawn-280.png", 9 },
        { "one-chalk-200x300.png", 1 },
    };

    private static string Sample(string name) => Path.Combine(RepositoryPaths.Root, "samples", "images", name);

    [Theory]
    [MemberData(nameof(Drawn))]
    public void The_generated_classifier_classifies_an_image_file(string file, int digit)
    {
        LeNet5Prediction prediction = LeNet5Classifier.Embedded.Classify(Sample(file));
        Assert.Equal(digit, prediction.ClassIndex);
        Assert.True(prediction.Probability > 0.9f, prediction.ToString());
    }

    [Theory]
    [MemberData(nameof(Drawn))]
    public void File_stream_and_digit_classifier_agree(string file, int digit)
    {
        using FileStream stream = File.OpenRead(Sample(file));
        LeNet5Prediction fromStream = LeNet5Classifier.Embedded.Classify(stream);
        DigitImage prepared = DigitImage.Load(Sample(file));
        Assert.Equal(fromStream, LeNet5Classifier.Embedded.Classify(prepared));
        Assert.Equal(fromStream, LeNet5Classifier.Embedded.Classify(Sample(file)));
        Assert.Equal(digit, DigitClassifier.Classify(Sample(file)).Digit);
    }

    [Fact]
    public void A_prepared_image_of_another_size_is_refused()
    {
        DigitImage small = DigitImage.Load(Sample("seven-drawn-280.png"), new DigitImageOptions { Height = 14, Width = 14 });
        ArgumentException error = Assert.Throws<ArgumentException>(() => LeNet5Classifier.Embedded.Classify(small));
        Assert.StartsWith("the image is 14x14; LeNet5Network takes 28x28", error.Message);
    }

    [Fact]
    public void An_empty_image_is_reported_not_classified()
    {
        string blank = Path.Combine(Path.GetTempPath(), $"lenet5-blank-{Guid.NewGuid():N}.bmp");
        try
        {
            // A 40x40 uniform grey BMP: no ink anywhere.
            File.WriteAllBytes(blank, UniformBmp(40, 40, 128));
            DigitImageException error = Assert.Throws<DigitImageException>(() => LeNet5Classifier.Embedded.Classify(blank));
            Assert.Equal(DigitImageError.NoInk, error.Error);
            Assert.Contains(blank, error.Message);
        }
        finally
        {
            File.Delete(blank);
        }
    }

    private static byte[] UniformBmp(int width, int height, byte grey)
    {
        int rowBytes = (width * 3 + 3) & ~3, size = 54 + rowBytes * height;
        var bmp = new byte[size];
        "BM"u8.CopyTo(bmp);
        BitConverter.TryWriteBytes(bmp.AsSpan(2), size);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), width);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), height);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        bmp.AsSpan(54).Fill(grey);
        return bmp;
    }
}
