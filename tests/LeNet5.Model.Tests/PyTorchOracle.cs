using System.Buffers.Binary;
using System.Text.Json;

namespace LeNet5.Model.Tests;

/// <summary>
/// The numbers PyTorch computed in float64 for the first 64 MNIST test images (<c>shared/oracle/README.md</c>):
/// <c>input</c> [64, 1, 32, 32] (normalized, then padded with the normalized background), <c>labels</c>, and per
/// network (<c>seed.</c>, <c>edited.</c>) <c>param.*</c>, <c>logits</c>, <c>loss</c> and <c>grad.*</c>. Read here with
/// a reader of its own, independent of the runtime's.
/// </summary>
internal static class PyTorchOracle
{
    public const string FileName = "pytorch-oracle.safetensors";

    public const int Images = 64;

    private static readonly Lazy<string> PathValue = new(Find);

    private static readonly Lazy<Dictionary<string, (string DType, int[] Shape, byte[] Data)>> Tensors = new(() => Read(Path));

    /// <summary>$LENET5_ORACLE (a folder or the file), else <c>shared/oracle</c> in an ancestor of the test folder.</summary>
    public static string Path => PathValue.Value;

    public static int[] Shape(string name) => Tensor(name).Shape;

    public static double[] Doubles(string name)
    {
        (string dtype, _, byte[] data) = Tensor(name);
        Assert.Equal("F64", dtype);
        var values = new double[data.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(i * 8));
        return values;
    }

    public static long[] Longs(string name)
    {
        (string dtype, _, byte[] data) = Tensor(name);
        Assert.Equal("I64", dtype);
        var values = new long[data.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i * 8));
        return values;
    }

    private static (string DType, int[] Shape, byte[] Data) Tensor(string name)
        => Tensors.Value.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{Path} has no tensor '{name}'");

    private static Dictionary<string, (string, int[], byte[])> Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        var tensors = new Dictionary<string, (string, int[], byte[])>(StringComparer.Ordinal);
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            int begin = entry.Value.GetProperty("data_offsets")[0].GetInt32();
            int end = entry.Value.GetProperty("data_offsets")[1].GetInt32();
            tensors[entry.Name] = (
                entry.Value.GetProperty("dtype").GetString()!,
                entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                file.AsSpan(8 + headerLength + begin, end - begin).ToArray());
        }
        return tensors;
    }

    private static string Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("LENET5_ORACLE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            string candidate = Directory.Exists(fromEnvironment) ? System.IO.Path.Combine(fromEnvironment, FileName) : fromEnvironment;
            if (File.Exists(candidate)) return System.IO.Path.GetFullPath(candidate);
        }
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = System.IO.Path.Combine(directory.FullName, "shared", "oracle", FileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"the PyTorch oracle was not found: set LENET5_ORACLE or put {FileName} in ../shared/oracle beside the repository");
    }
}
