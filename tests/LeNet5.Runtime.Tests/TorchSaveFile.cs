using System.Buffers.Binary;
using System.Text;
using LeNet5.Model;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// Files laid out the way PyTorch's <c>safetensors.torch.save_file(state_dict, path)</c> writes them:
/// <c>__metadata__</c> <c>{"format": "pt"}</c>, tensors sorted by name in the header and in the data, the header
/// padded with spaces to a multiple of 8 bytes.
/// </summary>
internal static class TorchSaveFile
{
    public sealed record Tensor(string Name, string DType, int[] Shape, byte[] Data);

    public static byte[] Write(IEnumerable<Tensor> tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new MemoryStream();
        foreach (Tensor tensor in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            long begin = data.Length;
            data.Write(tensor.Data);
            header.Append($",\"{tensor.Name}\":{{\"dtype\":\"{tensor.DType}\",\"shape\":[{string.Join(",", tensor.Shape)}],\"data_offsets\":[{begin},{data.Length}]}}");
        }
        header.Append('}');
        while (Encoding.UTF8.GetByteCount(header.ToString()) % 8 != 0) header.Append(' ');

        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.ToArray().CopyTo(file, 8 + json.Length);
        return file;
    }

    /// <summary>The values as little-endian <paramref name="dtype"/> (F64, F32, F16 or BF16 by truncation).</summary>
    public static byte[] Encode(ReadOnlySpan<float> values, string dtype)
    {
        int size = dtype switch { "F64" => 8, "F32" => 4, _ => 2 };
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> target = bytes.AsSpan(i * size);
            switch (dtype)
            {
                case "F64": BinaryPrimitives.WriteDoubleLittleEndian(target, values[i]); break;
                case "F32": BinaryPrimitives.WriteSingleLittleEndian(target, values[i]); break;
                case "F16": BinaryPrimitives.WriteHalfLittleEndian(target, (Half)values[i]); break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16)); break;
            }
        }
        return bytes;
    }

    /// <summary>The seed network's parameters as its initialisation draws them from seed 42.</summary>
    public static float[] SeedParameters()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(42));
        return parameters;
    }

    /// <summary>The name the PyTorch replications of the seed network give a tensor: their last layer is <c>out</c>.</summary>
    public static string ReplicationName(string name) => name.StartsWith("output.", StringComparison.Ordinal) ? "out" + name["output".Length..] : name;

    /// <summary>The state_dict of a network's parameters, each tensor named by <paramref name="name"/>.</summary>
    public static List<Tensor> StateDict(IReadOnlyList<ParameterTensor> tensors, float[] parameters, string dtype, Func<string, string>? name = null)
        => tensors.Select(t => new Tensor(name?.Invoke(t.Name) ?? t.Name, dtype, t.Shape, Encode(parameters.AsSpan(t.Offset, t.Length), dtype))).ToList();
}
