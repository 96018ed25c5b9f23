using System.Security.Cryptography;

namespace LeNet5.Runtime.Data;

/// <summary>One of the four files of the MNIST distribution.</summary>
/// <param name="FileName">File name as published, for example <c>train-images-idx3-ubyte.gz</c>.</param>
/// <param name="Sha256">The published SHA-256 of the gzipped file, lowercase hex.</param>
public sealed record MnistFile(string FileName, string Sha256)
{
    /// <summary>The name of the file once decompressed (the name without <c>.gz</c>).</summary>
    public string RawFileName => FileName.EndsWith(".gz", StringComparison.Ordinal) ? FileName[..^3] : FileName;
}

/// <summary>The four MNIST files, their published SHA-256 sums, and checksum verification.</summary>
public static class MnistFiles
{
    /// <summary>Training images, 60,000 x 28 x 28.</summary>
    public static MnistFile TrainImages { get; } = new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609");

    /// <summary>Training labels, 60,000.</summary>
    public static MnistFile TrainLabels { get; } = new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c");

    /// <summary>Test images, 10,000 x 28 x 28.</summary>
    public static MnistFile TestImages { get; } = new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6");

    /// <summary>Test labels, 10,000.</summary>
    public static MnistFile TestLabels { get; } = new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6");

    /// <summary>All four files.</summary>
    public static IReadOnlyList<MnistFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The two test files: all that evaluating or classifying test images needs.</summary>
    public static IReadOnlyList<MnistFile> Test { get; } = [TestImages, TestLabels];

    /// <summary>The SHA-256 of a file, lowercase hex.</summary>
    public static string ComputeSha256(string path)
    {
        using FileStream stream = OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Throws <see cref="ChecksumMismatchException"/> unless the file's SHA-256 is <paramref name="expectedSha256"/>.</summary>
    public static void VerifyChecksum(string path, string expectedSha256)
    {
        string actual = ComputeSha256(path);
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new ChecksumMismatchException(path, expectedSha256.ToLowerInvariant(), actual);
    }

    /// <summary>
    /// Finds a file of the distribution in <paramref name="folder"/>: the gzipped file as published (its checksum is
    /// verified when <paramref name="verify"/> is set), else the decompressed file (which has no published checksum;
    /// the IDX reader still validates its structure).
    /// </summary>
    /// <returns>The path of the file found.</returns>
    /// <exception cref="DataFileException">Neither form of the file is in the folder.</exception>
    /// <exception cref="ChecksumMismatchException">The gzipped file does not match its published checksum.</exception>
    public static string Locate(string folder, MnistFile file, bool verify = true)
    {
        string gz = Path.Combine(folder, file.FileName);
        if (File.Exists(gz))
        {
            if (verify) VerifyChecksum(gz, file.Sha256);
            return gz;
        }
        string raw = Path.Combine(folder, file.RawFileName);
        if (File.Exists(raw)) return raw;
        throw new DataFileException(
            $"{gz}: file not found; the data folder must hold the MNIST files ({string.Join(", ", All.Select(f => f.FileName))}); " +
            "pass --data DIR or set LENET5_DATA to a folder that has them");
    }

    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new DataFileException($"{path}: file not found", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DataFileException($"{path}: folder not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException($"{path}: cannot read: {e.Message}", e);
        }
    }
}
