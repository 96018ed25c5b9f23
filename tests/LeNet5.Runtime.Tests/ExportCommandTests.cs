using LeNet5.Cli;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;
using PaperNetwork = LeNet5.Trainer.PaperNetwork;

namespace LeNet5.Runtime.Tests;

/// <summary><c>lenet5 export onnx</c>, run in-process (ONNX Runtime checks the model itself in LeNet5.Model.Tests).</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Export_onnx_writes_a_model_from_a_checkpoint()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(2));
        string checkpoint = _temp.File("lenet5.safetensors");
        string model = _temp.File("out/lenet5.onnx");
        Checkpoint.Save<LeNet5Network>(checkpoint, parameters);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = Lenet5Console.Run(["export", "onnx", "--checkpoint", checkpoint, "--output", model], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("ONNX (opset 17, model version 1)", stdout.ToString());
        Assert.Contains("output 'logits' [batch, 10]", stdout.ToString());
        byte[] bytes = File.ReadAllBytes(model);
        Assert.True(bytes.Length > parameters.Length * 4, $"{bytes.Length} bytes cannot hold {parameters.Length} floats");
        Assert.Equal(0x08, bytes[0]); // field 1 (ir_version), varint
    }

    [Fact]
    public void Export_onnx_takes_the_architecture_option()
    {
        var parameters = new float[PaperNetwork.ParameterCount];
        PaperNetwork.InitializeParameters(parameters, new Random(3));
        string checkpoint = _temp.File("paper.safetensors");
        string model = _temp.File("paper.onnx");
        Checkpoint.Save<PaperNetwork>(checkpoint, parameters);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = Lenet5Console.Run(["export", "onnx", "--architecture", "paper", "--checkpoint", checkpoint, "--output", model], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("Paper checkpoint", stdout.ToString());
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void Export_onnx_writes_beside_the_default_checkpoint_unless_told()
    {
        var (code, help, _) = Lenet5Console.Capture("export", "onnx", "--help");
        Assert.Equal(0, code);
        Assert.Contains($"[default: {Path.Combine("checkpoints", "lenet5.onnx")}]", help);
        Assert.Contains("--probabilities", help);
        Assert.Contains("--model-version", help);
    }

    [Fact]
    public void Export_onnx_into_a_folder_uses_the_default_name_and_adds_probabilities_on_request()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(4));
        string checkpoint = _temp.File("lenet5.safetensors");
        Checkpoint.Save<LeNet5Network>(checkpoint, parameters);
        string folder = _temp.File("models") + Path.DirectorySeparatorChar;

        var (code, stdout, stderr) = Lenet5Console.Capture("export", "onnx", "-c", checkpoint, "-o", folder, "--probabilities", "--model-version", "3");

        Assert.True(code == 0, stderr);
        Assert.Contains("model version 3", stdout);
        Assert.Contains("outputs 'logits' and 'probabilities' [batch, 10]", stdout);
        Assert.True(File.Exists(Path.Combine(folder, "lenet5.onnx")));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Export_onnx_refuses_a_negative_model_version()
    {
        var (code, _, stderr) = Lenet5Console.Capture("export", "onnx", "--model-version", "-1", "-o", _temp.File("x.onnx"));
        Assert.Equal(1, code);
        Assert.Equal("lenet5: error: --model-version must be 0 or more, not -1" + Environment.NewLine, stderr);
    }

    [Fact]
    public void Export_onnx_of_a_missing_checkpoint_fails_with_its_path()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string missing = _temp.File("missing.safetensors");

        int code = Lenet5Console.Run(["export", "onnx", "--checkpoint", missing, "--output", _temp.File("x.onnx")], stdout, stderr);

        Assert.Equal(1, code);
        Assert.Contains(missing, stderr.ToString());
        Assert.False(File.Exists(_temp.File("x.onnx")));
    }
}
