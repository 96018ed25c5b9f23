using LeNet5.Model;
using LeNet5.Cli;

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
        Assert.Contains("ONNX (opset 17)", stdout.ToString());
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
