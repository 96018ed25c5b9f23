using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Tests;

/// <summary><c>lenet5 import safetensors</c>, run in-process: a PyTorch state_dict becomes a checkpoint of the network.</summary>
public sealed class ImportSafeTensorsCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_renamed_state_dict_with_extra_tensors_becomes_a_checkpoint()
    {
        float[] parameters = TorchSaveFile.SeedParameters();
        string source = TorchFile("model.", extra: true);
        string output = _temp.File("imported/lenet5.safetensors");

        var (code, stdout, stderr) = Lenet5Console.Capture("import", "safetensors", source, "--map", "model=", "--map", "out=output", "--ignore-extra", "--output", output);

        Assert.True(code == 0, stderr);
        Assert.Equal(
            $"""
            LeNet5: 10 tensors (61,706 parameters) from {source} written as F32 to {output}
            renamed: model=, out=output
            ignored: 1 tensor (model.bn.running_mean)
            evaluate it with 'lenet5 evaluate --checkpoint {output}'

            """,
            stdout.ReplaceLineEndings("\n"));
        Checkpoint checkpoint = Checkpoint.Load<LeNet5Network>(output);
        Assert.Equal(parameters, checkpoint.Parameters);
        Assert.Equal("LeNet5", checkpoint.Metadata[Checkpoint.ArchitectureKey]);
        Assert.Equal("pt", checkpoint.Metadata["format"]);
        Assert.Equal(Path.GetFileName(source), checkpoint.Metadata["imported_from"]);
        Assert.Equal("model= out=output", checkpoint.Metadata["import_renames"]);
        Assert.Equal(Checkpoint.ContentHash(parameters), checkpoint.Metadata[Checkpoint.ContentHashKey]);
    }

    [Fact]
    public void Extra_tensors_are_refused_unless_asked()
    {
        string source = TorchFile("", extra: true);
        string output = _temp.File("lenet5.safetensors");

        var (code, _, stderr) = Lenet5Console.Capture("import", "safetensors", source, "--map", "out=output", "--output", output);

        Assert.Equal(1, code);
        Assert.Equal(
            $"lenet5: error: {source}: tensor 'bn.running_mean' not in the architecture LeNet5 (it has c1.weight, c1.bias, c3.weight, c3.bias, f5.weight, f5.bias, f6.weight, f6.bias, output.weight, output.bias); rename them too (--map NAME=NAME) or skip them (--ignore-extra)",
            stderr.Trim());
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_existing_checkpoint_is_replaced_only_with_overwrite()
    {
        string source = TorchFile("", extra: false);
        string output = _temp.File("lenet5.safetensors");
        File.WriteAllText(output, "a trained checkpoint");

        var (code, _, stderr) = Lenet5Console.Capture("import", "safetensors", source, "--map", "out=output", "--output", output);
        Assert.Equal(1, code);
        Assert.Equal($"lenet5: error: {output} already holds a checkpoint; replace it with --overwrite, or choose another --output", stderr.Trim());
        Assert.Equal("a trained checkpoint", File.ReadAllText(output));

        (code, _, stderr) = Lenet5Console.Capture("import", "safetensors", source, "--map", "out=output", "--output", output, "--overwrite");
        Assert.True(code == 0, stderr);
        Assert.Equal(TorchSaveFile.SeedParameters(), Checkpoint.Load<LeNet5Network>(output).Parameters);
    }

    [Fact]
    public void A_map_without_an_equals_sign_is_one_error_line()
    {
        var (code, _, stderr) = Lenet5Console.Capture("import", "safetensors", TorchFile("", extra: false), "--map", "out", "--output", _temp.File("x.safetensors"));
        Assert.Equal(1, code);
        Assert.Equal("lenet5: error: --map 'out' is not NAME=NAME; for example --map out=output, or --map module= to remove a prefix", stderr.Trim());
    }

    /// <summary>A PyTorch save_file of the known parameters, names prefixed and the last layer called <c>out</c>.</summary>
    private string TorchFile(string prefix, bool extra)
    {
        List<TorchSaveFile.Tensor> tensors = TorchSaveFile.StateDict(
            LeNet5Network.Description.ParameterTensors, TorchSaveFile.SeedParameters(), "F64", name => prefix + TorchSaveFile.ReplicationName(name));
        if (extra) tensors.Add(new(prefix + "bn.running_mean", "F32", [4], new byte[16]));
        string path = _temp.File($"torch-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, TorchSaveFile.Write(tensors));
        return path;
    }
}
