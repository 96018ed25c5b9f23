using System.Buffers.Binary;
using System.IO.Compression;

namespace DigitClassifierSample;

/// <summary>Reads the MNIST test set (t10k-*-ubyte, gzipped or not) as raw bytes.</summary>
internal static class MnistTestImages
{
    public static (byte[] Pixels, byte[] Labels) Read(string folder)
    {
        byte[] images = ReadIdx(folder, "t10k-images-idx3-ubyte", 2051, 16);
        byte[] labels = ReadIdx(folder, "t10k-labels-idx1-ubyte", 2049, 8);
        return (images, labels);
    }

    private static byte[] ReadIdx(string folder, string name, int magic, int headerLength)
    {
        string plain = Path.Combine(folder, name);
        string path = File.Exists(plain) ? plain : plain + ".gz";
        using Stream file = File.OpenRead(path);
        using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var all = new MemoryStream();
        content.CopyTo(all);
        byte[] bytes = all.ToArray();
        if (bytes.Length < headerLength || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic) throw new InvalidDataException($"{path}: not an MNIST IDX file");
        return bytes[headerLength..];
    }
}
