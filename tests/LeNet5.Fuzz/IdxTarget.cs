using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Fuzz;

/// <summary>The IDX reader: any bytes, raw or gzipped, read as images and as labels or throw <see cref="DataFileException"/>.</summary>
internal static class IdxTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            MnistReader.ReadImages(new MemoryStream(input, writable: false), "input");
        }
        catch (DataFileException)
        {
        }
        try
        {
            MnistReader.ReadLabels(new MemoryStream(input, writable: false), "input");
        }
        catch (DataFileException)
        {
        }
    }
}
