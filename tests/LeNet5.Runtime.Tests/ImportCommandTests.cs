using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <c>lenet5 import onnx</c>, run in-process on the console's own export (LeNet5.Onnx.Tests imports PyTorch's and
/// compiles the result).
/// </summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Import_onnx_writes_the_architecture_and_a_checkpoint_that_loads()
    {
        string model = Export();
        string folder = _temp.File("imported");

        var (code, stdout, stderr) = Lenet5Console.Capture("import", "onnx", model, "--output", folder);

        Assert.True(code == 0, stderr);
        Assert.Contains("lenet5.onnx (LeNet5.Generated ", stdout);
        Assert.Contains("imported as LeNet5: input 1x28x28, 8 layers, 61,706 parameters, 10 classes", stdout);
        Assert.Contains("  c1         conv2d     1x32x32 -> 6x28x28 tanh", stdout);
        Assert.Contains("{ \"name\": \"pad\", \"kind\": \"pad\", \"padding\": 2, \"value\": ", File.ReadAllText(Path.Combine(folder, "architecture.json")));
        // The checkpoint is the seed network's: its tensors, shapes and architecture name.
        Checkpoint checkpoint = Checkpoint.Load<LeNet5Network>(Path.Combine(folder, "weights.safetensors"));
        Assert.Equal(LeNet5Network.ParameterCount, checkpoint.Parameters.Length);
        Assert.Empty(stderr);
    }

    [Fact]
    public void Import_onnx_keeps_existing_files_unless_told_to_overwrite()
    {
        string model = Export();
        string folder = _temp.File("imported");
        Assert.Equal(0, Lenet5Console.Capture("import", "onnx", model, "-o", folder).Code);

        var again = Lenet5Console.Capture("import", "onnx", model, "-o", folder);
        Assert.Equal(1, again.Code);
        Assert.Equal($"lenet5: error: {Path.Combine(folder, "architecture.json")} exists; import into another folder, or replace it with --overwrite{Environment.NewLine}", again.Error);

        Assert.Equal(0, Lenet5Console.Capture("import", "onnx", model, "-o", folder, "--overwrite", "--name", "Imported").Code);
        Assert.Contains("\"name\": \"Imported\"", File.ReadAllText(Path.Combine(folder, "architecture.json")));
    }

    [Fact]
    public void Import_onnx_of_a_file_that_is_not_onnx_fails_in_one_line()
    {
        string notOnnx = _temp.File("notes.onnx");
        File.WriteAllText(notOnnx, "this is not a model");

        var (code, _, stderr) = Lenet5Console.Capture("import", "onnx", notOnnx, "-o", _temp.File("out"));

        Assert.Equal(1, code);
        Assert.StartsWith($"lenet5: error: {notOnnx}: not an ONNX model", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(_temp.File("out")));
    }

    [Theory]
    [InlineData("not,numbers")]
    [InlineData("1")]
    [InlineData("1,1")]
    public void Import_onnx_refuses_an_input_scale_that_is_not_two_numbers(string scale)
    {
        var (code, _, stderr) = Lenet5Console.Capture("import", "onnx", Export(), "-o", _temp.File("out"), "--input-scale", scale);
        Assert.Equal(1, code);
        Assert.Contains($"--input-scale '{scale}' is not BACKGROUND,FOREGROUND", stderr);
    }

    [Fact]
    public void Import_onnx_needs_an_output_folder_and_has_help()
    {
        var (code, _, stderr) = Lenet5Console.Capture("import", "onnx", Export());
        Assert.Equal(1, code);
        Assert.Contains("--output", stderr);
        var help = Lenet5Console.Capture("import", "onnx", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("--input-padding", help.Out);
    }

    /// <summary>The console's export of a seeded seed network, as a model to import.</summary>
    private string Export()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(5));
        string checkpoint = _temp.File("lenet5.safetensors");
        Checkpoint.Save<LeNet5Network>(checkpoint, parameters);
        string model = _temp.File("lenet5.onnx");
        var (code, _, stderr) = Lenet5Console.Capture("export", "onnx", "-c", checkpoint, "-o", model);
        Assert.True(code == 0, stderr);
        return model;
    }
}
