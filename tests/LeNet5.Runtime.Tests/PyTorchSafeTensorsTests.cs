using System.Buffers.Binary;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// Checkpoints laid out the way PyTorch's <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes them
/// (<see cref="TorchSaveFile"/>); weights in the state_dict layouts ([out, in, kh, kw], [out, in]).
/// </summary>
public sealed class PyTorchSafeTensorsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Torch_layout_f32_loads_and_gives_the_same_logits()
    {
        float[] parameters = TorchSaveFile.SeedParameters();
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
        float[] parameters = TorchSaveFile.SeedParameters();
        byte[] torch = TorchFile(parameters, "F32");
        Assert.Equal(-1, SafeTensors.FindFlatData(torch, "torch", LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount));

        string ours = _temp.File("ours.safetensors");
        Checkpoint.Save<LeNet5Network>(ours, parameters);
        byte[] bytes = File.ReadAllBytes(ours);
        int start = SafeTensors.FindFlatData(bytes, ours, LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount);
        Assert.Equal(0, start % 8);
        float[] mapped = new float[parameters.Length];
        for (int i = 0; i < mapped.Length; i++) mapped[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + (i * 4)));
        Assert.Equal(parameters, mapped);
    }

    [Fact]
    public void Torch_layout_f64_loads_exactly()
    {
        float[] parameters = TorchSaveFile.SeedParameters();
        Checkpoint loaded = SafeTensors.Load(TorchFile(parameters, "F64"), "torch64", LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount);
        Assert.Equal(parameters, loaded.Parameters);
    }

    [Fact]
    public void F64_values_round_to_the_nearest_float()
    {
        // 1 + 2^-24 is halfway between two floats and rounds to even; 1 + 3 * 2^-25 rounds up: no truncation.
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, TorchSaveFile.SeedParameters(), "F64");
        int index = tensors.FindIndex(t => t.Name == "f6.bias");
        BinaryPrimitives.WriteDoubleLittleEndian(tensors[index].Data.AsSpan(0), 1 + Math.Pow(2, -24));
        BinaryPrimitives.WriteDoubleLittleEndian(tensors[index].Data.AsSpan(8), 1 + 3 * Math.Pow(2, -25));
        Checkpoint loaded = SafeTensors.Load(TorchSaveFile.Write(tensors), "torch64", LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount);
        int offset = LeNet5Network.Description.ParameterTensors.Single(t => t.Name == "f6.bias").Offset;
        Assert.Equal(1f, loaded.Parameters[offset]);
        Assert.Equal(1f + MathF.Pow(2, -23), loaded.Parameters[offset + 1]);
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Torch_layout_half_precision_loads_rounded(string dtype)
    {
        float[] parameters = TorchSaveFile.SeedParameters();
        Checkpoint loaded = SafeTensors.Load(TorchFile(parameters, dtype), dtype, LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount);
        float tolerance = dtype == "F16" ? 1e-3f : 1e-2f;
        for (int i = 0; i < parameters.Length; i++)
            Assert.True(Math.Abs(parameters[i] - loaded.Parameters[i]) <= tolerance * Math.Max(1f, Math.Abs(parameters[i])), $"{dtype} parameter {i}: {parameters[i]} vs {loaded.Parameters[i]}");
    }

    [Fact]
    public void Extra_state_dict_entry_is_refused_by_name()
    {
        float[] parameters = TorchSaveFile.SeedParameters();
        byte[] file = TorchFile(parameters, "F32", extra: "bn.running_mean");
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(file, "torch", LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount));
        Assert.Contains("'bn.running_mean' not in the architecture LeNet5", error.Message);
    }

    [Fact]
    public void Transposed_dense_weight_is_refused_with_both_shapes()
    {
        float[] parameters = TorchSaveFile.SeedParameters();
        byte[] file = TorchFile(parameters, "F32", transposeF5: true);
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Load(file, "torch", LeNet5Network.Description.Name, LeNet5Network.Description.ParameterTensors, LeNet5Network.ParameterCount));
        Assert.Contains("'f5.weight' has shape [400, 120]", error.Message);
        Assert.Contains("[120, 400]", error.Message);
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
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, parameters, dtype);
        if (transposeF5)
        {
            int index = tensors.FindIndex(t => t.Name == "f5.weight");
            tensors[index] = tensors[index] with { Shape = tensors[index].Shape.Reverse().ToArray() };
        }
        if (extra is not null) tensors.Add(new(extra, dtype, [4], TorchSaveFile.Encode(new float[4], dtype)));
        return TorchSaveFile.Write(tensors);
    }
}
