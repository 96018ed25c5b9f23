using Microsoft.CodeAnalysis;

namespace LeNet5.Generator.Tests;

/// <summary>
/// One test per diagnostic: its id, its message, and where it points. The expected position is where a marker
/// text first occurs in the JSON, so the tests read as "the diagnostic points at this value".
/// </summary>
public sealed class DiagnosticTests
{
    private const string Path = "/project/architecture.json";

    /// <summary>A valid architecture; tests replace one piece of it.</summary>
    private const string Valid = """
        {
          "name": "Small",
          "input": { "channels": 1, "height": 8, "width": 8 },
          "classes": 3,
          "layers": [
            { "name": "conv", "kind": "conv2d", "filters": 2, "kernel": 3, "activation": "tanh" },
            { "name": "pool", "kind": "avgpool2d", "size": 2 },
            { "name": "out", "kind": "dense", "units": 3 }
          ]
        }
        """;

    [Fact]
    public void ValidArchitectureHasNoDiagnostics()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(Valid, Path);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "SmallClassifier.g.cs", "SmallNetwork.g.cs" }, result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        SnapshotTests.AssertCompiles(output);
    }

    [Theory]
    [InlineData("\"tanh\"", "\"gelu\"", "LN0003")]                 // a field the parser refuses
    [InlineData("\"kernel\": 3", "\"kernel\": 30", "LN0007")]      // a shape that does not fit
    public void A_broken_file_gives_its_own_diagnostic_and_no_compiler_error(string from, string to, string id)
    {
        // The code that uses the network still compiles against a placeholder of the same name, input and classes.
        const string user = """
            using Test.Networks;
            static class Use
            {
                const int Size = SmallNetwork.InputSize + SmallNetwork.ClassCount;
                static SmallPrediction First(byte[] image) => SmallClassifier.FromCheckpoint("x.safetensors").Classify(image);
                static int Count => SmallNetwork.Description.ParameterTensors.Count + Size;
            }
            """;
        string json = Valid.Replace(from, to);
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { new InMemoryText(Path, json) }, user);
        Assert.Equal(id, Assert.Single(result.Diagnostics).Id);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public void LN0001_MalformedJson_MissingComma()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3");
        Diagnostic diagnostic = Single(json, "LN0001");
        Assert.Equal("The architecture file is not valid JSON: unexpected character '\"', expected ',' or '}'", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"layers\"");
    }

    [Fact]
    public void LN0001_MalformedJson_UnquotedString()
    {
        string json = "{ \"name\": Small }";
        Diagnostic diagnostic = Single(json, "LN0001");
        Assert.Equal("The architecture file is not valid JSON: unexpected 'Small', expected a value (strings need double quotes)", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "Small");
    }

    [Fact]
    public void LN0001_MalformedJson_UnexpectedEnd()
    {
        string json = Valid.Substring(0, Valid.LastIndexOf(']'));
        Diagnostic diagnostic = Single(json, "LN0001");
        Assert.Equal("The architecture file is not valid JSON: unexpected end of file, expected ',' or ']'", diagnostic.GetMessage());
        Assert.Equal(json.Length, diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void LN0001_DuplicateKey_IsAnErrorAtTheSecondKey()
    {
        // A second "layers" would silently replace the network; a second "filters" would change a layer.
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3,\n  \"layers\": [],");
        Diagnostic diagnostic = Single(json, "LN0001");
        Assert.StartsWith("The architecture file is not valid JSON: duplicate key 'layers' (first at line ", diagnostic.GetMessage());
        Assert.EndsWith("); an object names each key once", diagnostic.GetMessage());
        Assert.Equal(json.LastIndexOf("\"layers\"", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);

        string filters = Valid.Replace("\"kind\": \"conv2d\",", "\"kind\": \"conv2d\", \"filters\": 6,");
        Assert.Contains("duplicate key 'filters'", Single(filters, "LN0001").GetMessage());
    }

    [Fact]
    public void LN0002_UnknownLayerKind()
    {
        string json = Valid.Replace("\"avgpool2d\"", "\"minpool2d\"");
        Diagnostic diagnostic = Single(json, "LN0002");
        Assert.Equal("Layer 'pool' has unknown kind 'minpool2d'; use one of pad, conv2d, avgpool2d, maxpool2d, subsample2d, dense, rbf", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"minpool2d\"");
    }

    [Fact]
    public void LN0003_UnknownActivation()
    {
        string json = Valid.Replace("\"tanh\"", "\"gelu\"");
        Diagnostic diagnostic = Single(json, "LN0003");
        Assert.Equal("Layer 'conv' has unknown activation 'gelu'; use one of none, tanh, relu, sigmoid, scaled_tanh", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"gelu\"");
    }

    [Fact]
    public void LN0004_MissingLayerField()
    {
        string json = Valid.Replace("\"filters\": 2, ", string.Empty);
        Diagnostic diagnostic = Single(json, "LN0004");
        Assert.Equal("Layer 'conv' is missing the required field 'filters'; add it", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "{ \"name\": \"conv\"");
    }

    [Fact]
    public void LN0004_MissingTopLevelField()
    {
        string json = Valid.Replace("  \"classes\": 3,\n", string.Empty);
        Diagnostic diagnostic = Single(json, "LN0004");
        Assert.Equal("The architecture is missing the required field 'classes'; add it", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "{");
    }

    [Fact]
    public void LN0005_InvalidField_StringForNumber()
    {
        string json = Valid.Replace("\"kernel\": 3", "\"kernel\": \"3\"");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'kernel' must be an integer, but is the string \"3\"", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"3\"");
    }

    [Fact]
    public void LN0005_InvalidField_FractionForInteger()
    {
        string json = Valid.Replace("\"units\": 3", "\"units\": 2.5");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'units' must be an integer, but is the number 2.5", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "2.5");
    }

    [Fact]
    public void LN0006_NonPositiveSize()
    {
        string json = Valid.Replace("\"filters\": 2", "\"filters\": 0");
        Diagnostic diagnostic = Single(json, "LN0006");
        Assert.Equal("Field 'filters' is 0; it must be at least 1", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "0, \"kernel\"");
    }

    [Fact]
    public void LN0007_KernelLargerThanInput()
    {
        string json = Valid.Replace("\"kernel\": 3", "\"kernel\": 9");
        Diagnostic diagnostic = Single(json, "LN0007");
        Assert.Equal(
            "Layer 'conv' has a 9x9 kernel but its (padded) input is only 8x8; use a smaller kernel, add padding, or remove a pooling layer before it",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "9");
    }

    [Fact]
    public void LN0008_PoolSizeDoesNotDivideInput()
    {
        string json = Valid.Replace("\"size\": 2", "\"size\": 4");
        Diagnostic diagnostic = Single(json, "LN0008");
        Assert.Equal(
            "Layer 'pool' pools 4x4 windows but its input is 6x6; choose a size that divides both the height and the width",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "4 }");
    }

    [Fact]
    public void LN0009_DuplicateLayerName()
    {
        string json = Valid.Replace("\"name\": \"pool\"", "\"name\": \"Conv\"");
        Diagnostic diagnostic = Single(json, "LN0009");
        Assert.Equal(
            "Layer name 'Conv' is already used by layer 0 (names are compared ignoring case); give every layer a unique name",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"Conv\"");
    }

    [Fact]
    public void LN0010_FinalLayerOutputIsNotClassCount()
    {
        string json = Valid.Replace("\"units\": 3", "\"units\": 4");
        Diagnostic diagnostic = Single(json, "LN0010");
        Assert.Equal(
            "The last layer 'out' produces 4 outputs but 'classes' is 3; end with a dense layer of 3 units or change 'classes'",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"out\"");
    }

    [Fact]
    public void LN0011_InvalidLayerName()
    {
        string json = Valid.Replace("\"name\": \"pool\"", "\"name\": \"pool-1\"");
        Diagnostic diagnostic = Single(json, "LN0011");
        Assert.Equal("'pool-1' is not a valid name; use a letter or '_' followed by letters, digits or '_'", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"pool-1\"");
    }

    [Fact]
    public void LN0011_InvalidNetworkName()
    {
        string json = Valid.Replace("\"Small\"", "\"1Small\"");
        Diagnostic diagnostic = Single(json, "LN0011");
        Assert.Equal("'1Small' is not a valid name; use a letter or '_' followed by letters, digits or '_'", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"1Small\"");
    }

    [Fact]
    public void LN0012_UnknownLoss()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"loss\": \"mse\",");
        Diagnostic diagnostic = Single(json, "LN0012");
        Assert.Equal("Unknown loss 'mse'; use softmax_cross_entropy or map", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"mse\"");
    }

    [Fact]
    public void LN0013_UnknownOptimizer()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"training\": { \"optimizer\": \"rmsprop\" },");
        Diagnostic diagnostic = Single(json, "LN0013");
        Assert.Equal("Unknown optimizer 'rmsprop'; use sgd, adam or sdlm", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"rmsprop\"");
    }

    [Fact]
    public void LN0013_and_the_emitted_recipe_know_the_runtimes_optimizers()
    {
        IReadOnlyList<string> names = LeNet5.Runtime.Optimization.Optimizers.Names;
        Assert.Equal(names, TrainingSpec.OptimizerNames);
        string unknown = Single(Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"training\": { \"optimizer\": \"rmsprop\" },"), "LN0013").GetMessage();
        Assert.EndsWith("; use " + string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1], unknown);
        foreach (string name in names)
        {
            string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"training\": { \"optimizer\": \"" + name + "\", \"epochs\": 3 },");
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(json, Path);
            Assert.Empty(result.Diagnostics);
            SnapshotTests.AssertCompiles(output);
            string network = result.GeneratedSources.Single(s => s.HintName == "SmallNetwork.g.cs").SourceText.ToString();
            Assert.Contains("Optimizer = global::LeNet5.Runtime.Optimization.OptimizerKind." + LeNet5.Runtime.Optimization.Optimizers.Parse(name) + ",", network);
            // Only what the file gives: the other settings keep the runtime's defaults.
            Assert.Contains("Epochs = 3,", network);
            Assert.DoesNotContain("BatchSize =", network);
        }
    }

    [Fact]
    public void LN0014_UnknownPropertyIsAWarningAndStillGenerates()
    {
        string json = Valid.Replace("\"kernel\": 3", "\"kernel\": 3, \"dilation\": 2");
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(json, Path);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("LN0014", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(
            "Unknown property 'dilation' in layer 'conv' is ignored; remove it or check its spelling (expected one of: name, kind, filters, kernel, stride, padding, activation, connections)",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"dilation\"");
        Assert.Equal(2, result.GeneratedSources.Length); // the network and its classifier
        SnapshotTests.AssertCompiles(output);
    }

    [Fact]
    public void LN0015_NoLayers()
    {
        string json = """
            {
              "name": "Empty",
              "input": { "channels": 1, "height": 8, "width": 8 },
              "classes": 3,
              "layers": []
            }
            """;
        Diagnostic diagnostic = Single(json, "LN0015");
        Assert.Equal("'layers' is empty; declare at least one layer, the last one producing the logits", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[]");
    }

    [Fact]
    public void LN0016_FinalActivationIsAWarning()
    {
        string json = Valid.Replace("\"units\": 3 }", "\"units\": 3, \"activation\": \"relu\" }");
        (GeneratorRunResult result, _) = GeneratorHarness.Run(json, Path);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("LN0016", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(
            "The last layer 'out' applies 'relu' to the logits, which the softmax cross-entropy loss does not expect; set its activation to none",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"relu\"");
        Assert.Equal(2, result.GeneratedSources.Length); // the network and its classifier
    }

    [Fact]
    public void LN0017_ValueOutOfRange()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"training\": { \"momentum\": 1.5 },");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal("Field 'momentum' is 1.5; it must be between 0 and 1", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "1.5");
    }

    [Fact]
    public void PadValueMustBeANumber()
    {
        string json = Valid.Replace("\"layers\": [", "\"layers\": [\n    { \"name\": \"pad\", \"kind\": \"pad\", \"padding\": 1, \"value\": \"background\" },");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'value' must be a number, but is the string \"background\"", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"background\"");
    }

    [Fact]
    public void PadValueMustFitAFloat()
    {
        string json = Valid.Replace("\"layers\": [", "\"layers\": [\n    { \"name\": \"pad\", \"kind\": \"pad\", \"padding\": 1, \"value\": -1e39 },");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal("Field 'value' is -1e39; it must be a number within float's range (at most 3.4028235E+38 in magnitude)", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "-1e39");
    }

    [Fact]
    public void DropoutNeedsARate()
    {
        string json = Valid.Replace("{ \"name\": \"out\"", "{ \"name\": \"drop\", \"kind\": \"dropout\" },\n    { \"name\": \"out\"");
        Diagnostic diagnostic = Single(json, "LN0004");
        Assert.Contains("'rate'", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "{ \"name\": \"drop\"");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-0.5")]
    [InlineData("1e400")]
    public void DropoutRateMustBeBelowOne(string rate)
    {
        string json = Valid.Replace("{ \"name\": \"out\"", "{ \"name\": \"drop\", \"kind\": \"dropout\", \"rate\": " + rate + " },\n    { \"name\": \"out\"");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal("Field 'rate' is " + rate + "; it must be at least 0 and below 1", diagnostic.GetMessage());
        AssertAt(diagnostic, json, rate + " }");
    }

    [Fact]
    public void ANumberBeyondDoubleIsReportedAsOutOfRange()
    {
        // 1e400 overflows a double: it is reported as the number written, not accepted as infinity
        string json = Valid.Replace("\"layers\": [", "\"training\": { \"learningRate\": 1e400 },\n  \"layers\": [");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal("Field 'learningRate' is 1e400; it must be greater than 0, within float's range (at most 3.4028235E+38 in magnitude)", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "1e400");
    }

    [Fact]
    public void AScheduledRateBeyondFloatIsReportedAsOutOfRange()
    {
        string json = Valid.Replace("\"layers\": [", "\"training\": { \"learningRateSchedule\": [0.1, 1e39] },\n  \"layers\": [");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal("Field 'learningRateSchedule' is 1e39; it must be learning rates within float's range (at most 3.4028235E+38 in magnitude)", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "1e39");
    }

    [Fact]
    public void InputScaleMustFitAFloat()
    {
        // The background becomes the border of a pad layer on the image, a float constant.
        string json = Valid.Replace("\"width\": 8 }", "\"width\": 8, \"scale\": [1e39, 1] }");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal(
            "Field 'scale' is 1e39, 1; it must be two different values (background, foreground) within float's range (at most 3.4028235E+38 in magnitude)",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[1e39, 1]");
    }

    [Fact]
    public void PrototypeValuesMustFitAFloat()
    {
        string json = Valid.Replace("{ \"name\": \"out\", \"kind\": \"dense\", \"units\": 3 }", "{ \"name\": \"out\", \"kind\": \"rbf\", \"prototypes\": [[1], [2e40], [3]] }");
        Diagnostic diagnostic = Single(json, "LN0017");
        Assert.Equal("Field 'prototypes' is 2e40; it must be a number within float's range (at most 3.4028235E+38 in magnitude)", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "2e40");
    }

    [Fact]
    public void LN0018_NetworkTooLarge()
    {
        string json = Valid.Replace("\"units\": 3 }", "\"units\": 3 },\n    { \"name\": \"huge\", \"kind\": \"dense\", \"units\": 100000 }");
        json = json.Replace("\"name\": \"out\", \"kind\": \"dense\", \"units\": 3", "\"name\": \"out\", \"kind\": \"dense\", \"units\": 30000");
        Diagnostic diagnostic = Single(json, "LN0018");
        Assert.Equal(
            "Layer 'huge' brings the network to 3000670020 parameters, more than the generated code can index; use fewer filters or units",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"huge\"");
    }

    [Fact]
    public void LN0037_InputTooLarge_SaysTheSizeWithoutOverflow()
    {
        string json = Valid.Replace("\"height\": 8, \"width\": 8", "\"height\": 100000, \"width\": 100000");
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(json, Path).Result.Diagnostics, d => d.Id == "LN0037");
        Assert.Equal(
            "The input is 1x100000x100000 = 10000000000 values per image, more than the 16777216 the generated code supports; use a smaller input",
            diagnostic.GetMessage());
        AssertAt(diagnostic, json, "{ \"channels\"");
    }

    [Fact]
    public void LN0005_AWholeNumberTooLargeForAnInt_IsReportedAsSuch()
    {
        string json = Valid.Replace("\"height\": 8", "\"height\": 2147483648");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'height' must be an integer from -2147483648 to 2147483647, but is the number 2147483648", diagnostic.GetMessage());
    }

    [Fact]
    public void LN0019_DuplicateNetworkName()
    {
        var files = new Microsoft.CodeAnalysis.AdditionalText[]
        {
            new InMemoryText("/p/a.architecture.json", Valid),
            new InMemoryText("/p/b.architecture.json", Valid.Replace("\"Small\"", "\"small\"")),
        };
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(files);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.True(diagnostic.Id == "LN0019", diagnostic.ToString());
        Assert.Equal(
            "Network name 'small' is also used by /p/a.architecture.json; each architecture file of a project needs its own name, since it names the generated type smallNetwork",
            diagnostic.GetMessage());
        Assert.Equal("/p/b.architecture.json", diagnostic.Location.GetLineSpan().Path);
        AssertAt(diagnostic, Valid.Replace("\"Small\"", "\"small\""), "\"small\"");
        Assert.Equal(new[] { "SmallClassifier.g.cs", "SmallNetwork.g.cs" }, result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DiagnosticsNameTheArchitectureFileAndLine()
    {
        Diagnostic diagnostic = Single(Valid.Replace("\"tanh\"", "\"gelu\""), "LN0003");
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(Path, span.Path);
        Assert.Equal(5, span.StartLinePosition.Line);
        Assert.StartsWith("/project/architecture.json(6,", diagnostic.ToString());
    }

    [Fact]
    public void LN0020_ConnectionTableSize()
    {
        string json = Valid.Replace("\"kernel\": 3,", "\"kernel\": 3, \"connections\": [[0], [0], [0]],");
        Diagnostic diagnostic = Single(json, "LN0020");
        Assert.Equal("The connection table has 3 rows but the layer has 2 filters; give one list of input maps per filter", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[[0], [0], [0]]");
    }

    [Fact]
    public void LN0021_EmptyConnections()
    {
        string json = Valid.Replace("\"kernel\": 3,", "\"kernel\": 3, \"connections\": [[0], []],");
        Diagnostic diagnostic = Single(json, "LN0021");
        Assert.Equal("Row 1 of the connection table must be a non-empty list of input maps; a filter needs at least one input", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[]]");
    }

    [Fact]
    public void LN0022_DuplicateConnection()
    {
        string json = Valid.Replace("\"kernel\": 3,", "\"kernel\": 3, \"connections\": [[0], [0, 0]],");
        Diagnostic diagnostic = Single(json, "LN0022");
        Assert.Equal("Input map 0 is listed twice in row 1 of the connection table; list each input map once", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "0]]");
    }

    [Fact]
    public void LN0023_ConnectionOutOfRange()
    {
        string json = Valid.Replace("\"kernel\": 3,", "\"kernel\": 3, \"connections\": [[0], [1]],");
        Diagnostic diagnostic = Single(json, "LN0023");
        Assert.Equal("Layer 'conv' connects filter 1 to input map 1, but its input has only 1 maps (0 to 0)", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[[0], [1]]");
    }

    [Fact]
    public void LN0024_PrototypeSizeMismatch()
    {
        string json = Valid.Replace(
            "{ \"name\": \"out\", \"kind\": \"dense\", \"units\": 3 }",
            "{ \"name\": \"out\", \"kind\": \"rbf\", \"prototypes\": [[\"#.\"], [\"##\"], [\".#\"]] }");
        Diagnostic diagnostic = Single(json, "LN0024");
        Assert.Equal("Prototype 0 of layer 'out' has 2 values but the layer's input has 18; every prototype needs one value per input", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[[\"#.\"]");
    }

    [Fact]
    public void LN0025_UnknownInitialization()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"initialization\": \"xavier\",");
        Diagnostic diagnostic = Single(json, "LN0025");
        Assert.Equal("Unknown initialization 'xavier'; use pytorch or lecun_uniform_2.4", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"xavier\"");
    }

    [Fact]
    public void LN0026_ClassNameCount()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"classNames\": [\"a\", \"b\"],");
        Diagnostic diagnostic = Single(json, "LN0026");
        Assert.Equal("'classNames' lists 2 names but 'classes' is 3; give one name per class, in the order of the outputs", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[\"a\", \"b\"]");
    }

    [Fact]
    public void ClassNamesMustBeNonEmptyStrings()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"classNames\": [\"a\", \"\", \"c\"],");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'classNames' must be non-empty strings, but is the string \"\"", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "\"\", \"c\"");
    }

    [Fact]
    public void InputScaleNeedsTwoNumbers()
    {
        string json = Valid.Replace("\"width\": 8 }", "\"width\": 8, \"scale\": [1] }");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'scale' must be [background, foreground]: the two values pixels 0 and 255 become, but is an array", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "[1]");
    }

    [Fact]
    public void LearningRateScheduleNeedsPositiveRates()
    {
        string json = Valid.Replace("\"classes\": 3,", "\"classes\": 3, \"training\": { \"learningRateSchedule\": [0.1, -1] },");
        Diagnostic diagnostic = Single(json, "LN0005");
        Assert.Equal("Field 'learningRateSchedule' must be a non-empty array of learning rates greater than 0, but is the number -1", diagnostic.GetMessage());
        AssertAt(diagnostic, json, "-1");
    }

    [Fact]
    public void EveryErrorInTheFileIsReported()
    {
        string json = Valid.Replace("\"tanh\"", "\"gelu\"").Replace("\"avgpool2d\"", "\"minpool2d\"");
        (GeneratorRunResult result, _) = GeneratorHarness.Run(json, Path);
        Assert.Equal(new[] { "LN0003", "LN0002" }, result.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void ErrorsStopGeneration()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(Valid.Replace("\"size\": 2", "\"size\": 4"), Path);
        AssertOnlyPlaceholders(result);
    }

    [Fact]
    public void EveryDiagnosticIsDocumentedAndReleaseTracked()
    {
        string root = System.IO.Path.Combine(GeneratorHarness.TestProjectDirectory(), "..", "..", "generator");
        string readme = File.ReadAllText(System.IO.Path.Combine(root, "README.md"));
        string releases = File.ReadAllText(System.IO.Path.Combine(root, "LeNet5.Generator", "AnalyzerReleases.Unshipped.md"));
        DiagnosticDescriptor[] descriptors = typeof(DiagnosticDescriptors)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
            .ToArray();

        Assert.Equal(37, descriptors.Length);
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            Assert.Same(descriptor, DiagnosticDescriptors.ById(descriptor.Id));
            Assert.Contains($"| {descriptor.Id} | {descriptor.DefaultSeverity} |", readme);
            Assert.Contains($"{descriptor.Id} | LeNet5.Generator | {descriptor.DefaultSeverity} | {descriptor.Title}", releases);
        }
    }

    private static Diagnostic Single(string json, string id)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(json, Path);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        AssertOnlyPlaceholders(result);
        return diagnostic;
    }

    /// <summary>A file with errors generates nothing, or (when its name is known) only the placeholder of its network.</summary>
    private static void AssertOnlyPlaceholders(GeneratorRunResult result) =>
        Assert.All(result.GeneratedSources, source => Assert.StartsWith("// A placeholder: ", source.SourceText.ToString()));

    /// <summary>Asserts the diagnostic starts where <paramref name="marker"/> first occurs, by line and column and by offset.</summary>
    private static void AssertAt(Diagnostic diagnostic, string json, string marker)
    {
        int offset = json.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(offset >= 0, "marker not found: " + marker);
        int line = json.Substring(0, offset).Count(c => c == '\n');
        int column = offset - (json.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);
        if (line == 0)
        {
            column = offset;
        }

        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal((line, column), (span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal(offset, diagnostic.Location.SourceSpan.Start);
    }
}
