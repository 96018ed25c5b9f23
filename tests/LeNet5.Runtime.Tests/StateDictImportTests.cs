using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// PyTorch state_dicts whose names differ (<c>out</c> for <c>output</c>, a <c>module.</c> prefix) or that hold other
/// tensors too load through a <see cref="StateDictImport"/>, and only as asked: every mistake is one line.
/// </summary>
public sealed class StateDictImportTests : IDisposable
{
    private static readonly StateDictImport OutToOutput = new([new TensorRename("out", "output")]);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_state_dict_with_out_for_output_loads_through_a_rename()
    {
        float[] parameters = TorchSaveFile.SeedParameters();
        string path = Save(TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, parameters, "F32", TorchSaveFile.ReplicationName));

        var exact = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path));
        Assert.Contains("tensors 'out.bias', 'out.weight' not in the architecture LeNet5", exact.Message);
        Assert.EndsWith("; a state_dict with other names or more tensors can be imported: 'lenet5 import safetensors FILE --map out=output --ignore-extra'", exact.Message);

        Checkpoint loaded = Checkpoint.Load<LeNet5Network>(path, OutToOutput);
        Assert.Equal(parameters, loaded.Parameters);
        Assert.Empty(loaded.IgnoredTensors);
    }

    [Fact]
    public void Renames_apply_in_order_and_extra_tensors_of_any_dtype_are_skipped_when_asked()
    {
        // Like the PyTorch oracle's file: two networks' weights and gradients under prefixes, and int64 labels.
        float[] parameters = TorchSaveFile.SeedParameters();
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, parameters, "F64", n => "seed.param." + TorchSaveFile.ReplicationName(n));
        tensors.AddRange(TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, new float[parameters.Length], "F64", n => "seed.grad." + TorchSaveFile.ReplicationName(n)));
        tensors.Add(new("labels", "I64", [2], new byte[16]));
        string path = Save(tensors);
        var import = new StateDictImport([new TensorRename("seed.param", ""), new TensorRename("out", "output")], IgnoreExtraTensors: true);

        Checkpoint loaded = Checkpoint.Load<LeNet5Network>(path, import);

        Assert.Equal(parameters, loaded.Parameters);
        Assert.Equal(["labels", .. LeNet5Network.Description.ParameterTensors.Select(t => "seed.grad." + TorchSaveFile.ReplicationName(t.Name)).Order(StringComparer.Ordinal)], loaded.IgnoredTensors);
        var refused = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path, import with { IgnoreExtraTensors = false }));
        Assert.Contains("tensors 'labels', 'seed.grad.c1.bias', 'seed.grad.c1.weight', 'seed.grad.c3.bias', 'seed.grad.c3.weight', 'seed.grad.f5.bias', 'seed.grad.f5.weight', 'seed.grad.f6.bias' and 3 more not in the architecture LeNet5", refused.Message);
        Assert.EndsWith("; rename them too (--map NAME=NAME) or skip them (--ignore-extra)", refused.Message);
    }

    [Fact]
    public void A_prefix_is_whole_dotted_parts_of_a_name()
    {
        var rule = new TensorRename("out", "output");
        Assert.Equal("output.weight", rule.Apply("out.weight"));
        Assert.Equal("output", rule.Apply("out"));
        Assert.Null(rule.Apply("outer.weight"));
        Assert.Null(rule.Apply("f5.out.weight"));
        Assert.Equal("c1.weight", new TensorRename("module", "").Apply("module.c1.weight"));
        Assert.Equal("net.c1.weight", new TensorRename("model.features", "net").Apply("model.features.c1.weight"));
    }

    [Theory]
    [InlineData("out=output", "out", "output")]
    [InlineData("seed.param.=", "seed.param", "")]
    [InlineData(" module. = ", "module", "")]
    [InlineData("a=b=c", "a", "b=c")]
    public void Rules_read_as_old_equals_new(string text, string from, string to)
    {
        Assert.True(TensorRename.TryParse(text, out TensorRename rename));
        Assert.Equal(new TensorRename(from, to), rename);
    }

    [Theory]
    [InlineData("out")]
    [InlineData("=output")]
    [InlineData(".=x")]
    public void A_rule_needs_an_old_prefix_and_an_equals_sign(string text) => Assert.False(TensorRename.TryParse(text, out _));

    [Fact]
    public void A_rename_that_matches_nothing_is_refused()
    {
        string path = Save(TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, TorchSaveFile.SeedParameters(), "F32", TorchSaveFile.ReplicationName));
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path, new StateDictImport([new TensorRename("outt", "output")], true)));
        Assert.Equal(
            $"{path}: the rename outt=output matches no tensor name (the file has c1.bias, c1.weight, c3.bias, c3.weight, f5.bias, f5.weight, f6.bias, f6.weight and 2 more); a prefix is one or more whole dotted parts of a name",
            error.Message);
    }

    [Fact]
    public void Two_tensors_renamed_to_one_name_are_refused()
    {
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, TorchSaveFile.SeedParameters(), "F32", TorchSaveFile.ReplicationName);
        tensors.Add(new("output.bias", "F32", [10], new byte[40]));
        string path = Save(tensors);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path, OutToOutput));
        Assert.Equal(
            $"{path}: tensors 'out.bias' (renamed 'output.bias') and 'output.bias' both become 'output.bias'; each tensor of the architecture must come from one tensor of the file",
            error.Message);
    }

    [Fact]
    public void A_shape_mismatch_names_the_tensor_as_in_the_file()
    {
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, TorchSaveFile.SeedParameters(), "F32", TorchSaveFile.ReplicationName);
        int index = tensors.FindIndex(t => t.Name == "out.weight");
        tensors[index] = tensors[index] with { Shape = [84, 10] };
        string path = Save(tensors);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path, OutToOutput));
        Assert.Equal($"{path}: tensor 'out.weight' (renamed 'output.weight') has shape [84, 10] but the architecture LeNet5 expects [10, 84]", error.Message);
    }

    [Fact]
    public void A_parameter_stored_as_integers_is_refused()
    {
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(LeNet5Network.Description.ParameterTensors, TorchSaveFile.SeedParameters(), "F32");
        int index = tensors.FindIndex(t => t.Name == "c1.bias");
        tensors[index] = tensors[index] with { DType = "I32" };
        string path = Save(tensors);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<LeNet5Network>(path));
        Assert.Equal($"{path}: tensor 'c1.bias' has dtype I32; parameters are read from F32, F16, BF16 and F64", error.Message);
    }

    private string Save(IEnumerable<TorchSaveFile.Tensor> tensors)
    {
        string path = _temp.File($"torch-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, TorchSaveFile.Write(tensors));
        return path;
    }
}
