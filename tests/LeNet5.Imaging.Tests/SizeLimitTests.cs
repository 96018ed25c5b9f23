using System.Diagnostics;

namespace LeNet5.Imaging.Tests;

public sealed class SizeLimitTests
{
    [Theory]
    [InlineData(28, 46340)]
    [InlineData(46340, 46340)]
    [InlineData(20000, 20000)]
    [InlineData(4097, 4097)]
    public void A_small_file_declaring_a_huge_image_is_refused_before_decoding(int width, int height)
    {
        byte[] png = CraftedPng.Declaring(width, height);
        Assert.True(png.Length < 2000);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<DigitImageException>(() => DigitImage.Decode(png));
        clock.Stop();
        Assert.Equal(DigitImageError.TooLarge, e.Error);
        Assert.Equal($"encoded image: the image is {width}x{height} pixels; the limit is 16,384 per side and 16,777,216 in all", e.Message);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"{clock.ElapsedMilliseconds} ms");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1_000_000, "allocated the pixels");
    }

    [Fact]
    public void Raw_buffers_are_checked_in_64_bits_before_their_length()
    {
        // 65536 x 65536 x 4 overflows 32-bit arithmetic to 0; the size limit answers first.
        var e = Assert.Throws<DigitImageException>(() => DigitImage.FromPixels([], 65536, 65536, 65536 * 4, PixelFormat.Rgba32));
        Assert.Equal(DigitImageError.TooLarge, e.Error);
        var roomy = new DigitImageOptions { MaxPixels = DigitImageOptions.LargestMaxPixels, MaxSide = DigitImageOptions.LargestMaxSide };
        var buffer = Assert.Throws<DigitImageException>(() => DigitImage.FromPixels(new byte[16], 20000, 20000, 20000, PixelFormat.Grey8, roomy));
        Assert.Equal(DigitImageError.InvalidPixelBuffer, buffer.Error);
        Assert.Contains("need 400,000,000 bytes, not 16", buffer.Message);
    }

    [Fact]
    public void The_limits_are_options()
    {
        byte[] png = new Canvas(64, 64, 0f).ToPng();
        Assert.Equal(DigitImageError.TooLarge, Assert.Throws<DigitImageException>(() => DigitImage.Decode(png, new DigitImageOptions { MaxPixels = 4000 })).Error);
        Assert.Equal(DigitImageError.TooLarge, Assert.Throws<DigitImageException>(() => DigitImage.Decode(png, new DigitImageOptions { MaxSide = 63 })).Error);
        var bytes = Assert.Throws<DigitImageException>(() => DigitImage.Decode(png, new DigitImageOptions { MaxEncodedBytes = 10 }));
        Assert.Equal(DigitImageError.TooLarge, bytes.Error);
        Assert.Contains($"the file has {png.Length:N0} bytes; the limit is 10", bytes.Message);
        using var stream = new NonSeekableStream(png);
        Assert.Equal(DigitImageError.TooLarge, Assert.Throws<DigitImageException>(() => DigitImage.Load(stream, new DigitImageOptions { MaxEncodedBytes = 10 })).Error);
        Assert.Throws<ArgumentOutOfRangeException>(() => DigitImage.Decode(png, new DigitImageOptions { MaxPixels = long.MaxValue }));
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
