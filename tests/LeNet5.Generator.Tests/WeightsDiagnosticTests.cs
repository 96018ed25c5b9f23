using Microsoft.CodeAnalysis;

namespace LeNet5.Generator.Tests;

/// <summary>
/// Embedded weights that do not fit the network fail the build: one test per diagnostic, on the header of the committed
/// seed checkpoint as the build targets pass it, edited. Each diagnostic points at the weights file and names the tensor.
/// </summary>
public sealed class WeightsDiagnosticTests
{
    private const string WeightsPath = "/project/Weights/lenet5.safetensors";

    private static readonly string SeedHeader = WeightsHeaderText.HeaderOf(WeightsHeaderText.SeedCheckpoint());

    [Fact]
    public void FittingWeightsGiveTheEmbeddedMember()
    {
        (GeneratorRunResult result, Compilation output) = Run(SeedHeader);
        Assert.Empty(result.Diagnostics);
        SnapshotTests.AssertCompiles(output);
        Assert.Contains("public static LeNet5Classifier Embedded =>", Classifier(result));
    }

    [Fact]
    public void LN0027_NotASafeTensorsFile()
    {
        Diagnostic diagnostic = Single(Run("{\"error\": \"the file has 3 bytes, which do not start with the 8-byte length of a JSON header\"}"), "LN0027");
        Assert.Equal("The weights are not a valid safetensors checkpoint: the file has 3 bytes, which do not start with the 8-byte length of a JSON header", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0027_TensorWithoutDType()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"c1.bias\":{\"dtype\":\"F32\",", "\"c1.bias\":{")), "LN0027");
        Assert.Equal("The weights are not a valid safetensors checkpoint: tensor 'c1.bias' has no dtype", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0028_WeightsForUnknownNetwork()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader, network: "LeNet6"), "LN0028");
        Assert.Equal(
            "The weights are for network 'LeNet6' but the project's architecture files declare LeNet5; set the Network metadata of the LeNet5Weights item to one of them",
            diagnostic.GetMessage());
    }

    [Fact]
    public void LN0028_CheckpointMetadataNamesAnotherArchitecture()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"architecture\":\"LeNet5\"", "\"architecture\":\"Paper\"")), "LN0028");
        Assert.StartsWith("The weights are for network 'Paper' but the project's architecture files declare LeNet5;", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0029_SeveralNetworksAndWeightsThatNameNone()
    {
        var mixed = new InMemoryText("/project/mixed.architecture.json", GeneratorHarness.ReadArchitecture("mixed.architecture.json"));
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"architecture\":\"LeNet5\",", string.Empty), extra: mixed), "LN0029");
        Assert.Equal("The project has several networks (LeNet5, Mixed) and the weights do not name one; add Network=\"<name>\" to the LeNet5Weights item", diagnostic.GetMessage());
    }

    [Fact]
    public void CheckpointMetadataPicksTheNetworkAmongSeveral()
    {
        var mixed = new InMemoryText("/project/mixed.architecture.json", GeneratorHarness.ReadArchitecture("mixed.architecture.json"));
        (GeneratorRunResult result, _) = Run(SeedHeader, extra: mixed);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("public static LeNet5Classifier Embedded =>", Classifier(result));
    }

    [Fact]
    public void LN0030_TwoWeightsFilesForOneNetwork()
    {
        var second = new WeightsHeaderText("/project/Weights/second.safetensors", SeedHeader);
        Diagnostic diagnostic = Single(Run(SeedHeader, extra: second), "LN0030");
        Assert.Equal("Network 'LeNet5' already embeds the weights of /project/Weights/lenet5.safetensors; declare one LeNet5Weights item per network", diagnostic.GetMessage());
        Assert.Equal("/project/Weights/second.safetensors", diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void LN0031_WeightsForOtherArchitecture()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"architecture\":\"LeNet5\"", "\"architecture\":\"Paper\""), network: "LeNet5"), "LN0031");
        Assert.Equal("The weights were saved for architecture 'Paper' but are declared for network 'LeNet5'; declare them for 'Paper' or train weights for 'LeNet5'", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0032_MissingTensor()
    {
        string header = SeedHeader.Replace(",\"output.bias\":{\"dtype\":\"F32\",\"shape\":[10],\"data_offsets\":[246784,246824]}", string.Empty);
        Diagnostic diagnostic = Single(Run(header), "LN0032");
        Assert.Equal("Tensor 'output.bias' [10] that LeNet5Network expects is missing from the weights; retrain them for the current architecture file", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0033_UnexpectedTensor()
    {
        string header = SeedHeader.Replace("\"c1.weight\":", "\"c0.weight\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"c1.weight\":");
        Diagnostic diagnostic = Single(Run(header), "LN0033");
        Assert.Equal(
            "Tensor 'c0.weight' of the weights is not a parameter of LeNet5Network (it has c1.weight, c1.bias, c3.weight, c3.bias, f5.weight, f5.bias, f6.weight, f6.bias, output.weight, output.bias); retrain the weights for the current architecture file",
            diagnostic.GetMessage());
    }

    [Fact]
    public void LN0034_TensorShapeMismatch()
    {
        // What a change of F6 from 84 to 85 units in architecture.json looks like to weights trained before it.
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"shape\":[84]", "\"shape\":[85]")), "LN0034");
        Assert.Equal("Tensor 'f6.bias' has shape [85] but LeNet5Network expects [84]; the architecture file changed since the weights were trained: retrain them", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0035_TensorDTypeMismatch()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"c1.bias\":{\"dtype\":\"F32\"", "\"c1.bias\":{\"dtype\":\"F16\"")), "LN0035");
        Assert.Equal("Tensor 'c1.bias' is F16; embedded weights are read in place as F32: save them as float32 (lenet5 train does)", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0036_TruncatedData()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("{\"dataLength\": 246824,", "{\"dataLength\": 246820,")), "LN0036");
        Assert.Equal(
            "The weights' tensor data does not match their header: the file has 246820 bytes of tensor data but the header describes 246824; it is truncated or has trailing bytes",
            diagnostic.GetMessage());
    }

    [Fact]
    public void LN0036_DataOffsetsDisagreeWithTheShape()
    {
        Diagnostic diagnostic = Single(Run(SeedHeader.Replace("\"data_offsets\":[600,624]", "\"data_offsets\":[600,620]")), "LN0036");
        Assert.Equal("The weights' tensor data does not match their header: tensor 'c1.bias' of shape [6] needs 24 bytes but its data_offsets span 20", diagnostic.GetMessage());
    }

    [Fact]
    public void An_architecture_with_errors_gets_no_weights_errors_on_top()
    {
        var files = new AdditionalText[]
        {
            new InMemoryText("/project/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json").Replace("\"avgpool2d\"", "\"minpool2d\"")),
            new WeightsHeaderText(WeightsPath, SeedHeader, "LeNet5"),
        };
        (GeneratorRunResult result, _) = GeneratorHarness.Run(files);
        Assert.All(result.Diagnostics, d => Assert.Equal("LN0002", d.Id));
    }

    [Fact]
    public void EveryMisfitIsReported()
    {
        string header = SeedHeader.Replace("\"shape\":[84]", "\"shape\":[85]").Replace("\"c1.bias\":{\"dtype\":\"F32\"", "\"c1.bias\":{\"dtype\":\"BF16\"");
        (GeneratorRunResult result, _) = Run(header);
        Assert.Equal(new[] { "LN0035", "LN0034" }, result.Diagnostics.Select(d => d.Id));
    }

    private static (GeneratorRunResult Result, Compilation Output) Run(string header, string network = "", AdditionalText? extra = null)
    {
        var files = new List<AdditionalText>
        {
            new InMemoryText("/project/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json")),
            new WeightsHeaderText(WeightsPath, header, network),
        };
        if (extra != null) files.Add(extra);
        return GeneratorHarness.Run(files);
    }

    /// <summary>The only diagnostic, an error at the start of the weights file; the classifier keeps its Embedded member (no cascade).</summary>
    private static Diagnostic Single((GeneratorRunResult Result, Compilation Output) run, string id)
    {
        Diagnostic diagnostic = Assert.Single(run.Result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.EndsWith(".safetensors", span.Path);
        Assert.Equal(0, span.StartLinePosition.Line);
        if (id is not ("LN0028" or "LN0029" or "LN0030"))
        {
            Assert.Contains("public static LeNet5Classifier Embedded =>", Classifier(run.Result));
        }

        SnapshotTests.AssertCompiles(run.Output);
        return diagnostic;
    }

    private static string Classifier(GeneratorRunResult result)
        => result.GeneratedSources.Single(s => s.HintName == "LeNet5Classifier.g.cs").SourceText.ToString();
}
