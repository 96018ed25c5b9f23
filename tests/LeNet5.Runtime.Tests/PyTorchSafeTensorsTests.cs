using System.Buffers.Binary;
using System.Text;
using LeNet5.Model;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// Checkpoints laid out the way PyTorch's <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes them:
/// <c>__metadata__</c> <c>{"format": "pt"}</c>, tensors sorted by name in the header and in the data, the header
/// padded with spaces to a multiple of 8 bytes; weights in the state_dict layouts ([out, in, kh, kw], [out, in]).
/// </summary>
public sealed class PyTorchSafeTensorsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Torch_layout_f32_loads_and_gives_the_same_logits()
    {
        float[] parameters = KnownParameters();
        string path = _temp.File("torch.safetensors");
        File.WriteAllBytes(path, TorchFile(parameters, "F32"));

        Checkpoint loaded = Checkpoint.Load<LeNet5Network>(path);

        Assert.Equal(parameters, loaded.Parameters);
        Assert.Equal("pt", loaded.Metadata["format"]);
        Assert.Equal(Logits(parameters), Logits(loaded.Parameters));
    }

    [Fact]
    public void Torch_layout_is_not_mapped_in_place_but_our_own_layout_is()
    {
        float[] parameters = KnownParameters();
        byte[] torch = TorchFile(parameters, "F32");
        Assert.Equal(-1, SafeTensors.FindFlatData(torch, "torch", LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount));

        string ours = _temp.File("ours.safetensors");
        Checkpoint.Save<LeNet5Network>(ours, parameters);
        byte[] bytes = File.ReadAllBytes(ours);
        int start = SafeTensors.FindFlatData(bytes, ours, LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount);
        Assert.Equal(0, start % 8);
        float[] mapped = new float[parameters.Length];
        for (int i = 0; i < mapped.Length; i++) mapped[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + (i * 4)));
        Assert.Equal(parameters, mapped);
    }

    [Fact]
    public void Torch_layout_f64_loads_exactly()
    {
        float[] parameters = KnownParameters();
        Checkpoint loaded = SafeTensors.Load(TorchFile(parameters, "F64"), "torch64", LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount);
        Assert.Equal(parameters, loaded.Parameters);
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Torch_layout_half_precision_loads_rounded(string dtype)
    {
        float[] parameters = KnownParameters();
        Checkpoint loaded = SafeTensors.Load(TorchFile(parameters, dtype), dtype, LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount);
        float tolerance = dtype == "F16" ? 1e-3f : 1e-2f;
        for (int i = 0; i < parameters.Length; i++)
            Assert.True(Math.Abs(parameters[i] - loaded.Parameters[i]) <= tolerance * Math.Max(1f, Math.Abs(parameters[i])), $"{dtype} parameter {i}: {parameters[i]} vs {loaded.Parameters[i]}");
    }

    [Fact]
    public void Extra_state_dict_entry_is_refused_by_name()
    {
        float[] parameters = KnownParameters();
        byte[] file = TorchFile(parameters, "F32", extra: "bn.running_mean");
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(file, "torch", LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount));
        Assert.Contains("'bn.running_mean' not in the architecture LeNet5", error.Message);
    }

    [Fact]
    public void Transposed_dense_weight_is_refused_with_both_shapes()
    {
        float[] parameters = KnownParameters();
        byte[] file = TorchFile(parameters, "F32", transposeF5: true);
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(file, "torch", LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount));
        Assert.Contains("'f5.weight' has shape [400, 120]", error.Message);
        Assert.Contains("[120, 400]", error.Message);
    }

    private static float[] KnownParameters()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(42));
        return parameters;
    }

    private static float[] Logits(float[] parameters)
    {
        const int batch = 4;
        var random = new Random(5);
        var input = new float[batch * LeNet5Network.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 3 - 0.5);
        var logits = new float[batch * LeNet5Network.ClassCount];
        LeNet5Network.Infer(parameters, input, logits, new float[batch * LeNet5Network.WorkspaceSize], batch);
        return logits;
    }

    /// <summary>What <c>save_file</c> writes for the state_dict holding <paramref name="parameters"/>.</summary>
    private static byte[] TorchFile(float[] parameters, string dtype, string? extra = null, bool transposeF5 = false)
    {
        int size = dtype switch { "F64" => 8, "F32" => 4, _ => 2 };
        var tensors = LeNet5Network.ParameterTensors
            .Select(t => (t.Name, Shape: transposeF5 && t.Name == "f5.weight" ? t.Shape.Reverse().ToArray() : t.Shape, Values: parameters.AsSpan(t.Offset, t.Length).ToArray()))
            .ToList();
        if (extra is not null) tensors.Add((extra, [4], [0f, 0f, 0f, 0f]));
        tensors.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new MemoryStream();
        foreach ((string name, int[] shape, float[] values) in tensors)
        {
            long begin = data.Length;
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
            data.Write(bytes);
            header.Append($",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{data.Length}]}}");
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
}
