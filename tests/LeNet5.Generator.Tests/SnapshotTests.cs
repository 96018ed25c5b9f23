using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LeNet5.Generator.Tests;

/// <summary>The generated code, compared with committed snapshots, and compiled against LeNet5.Runtime.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void SeedArchitecture()
    {
        // A copy of the seed architecture.json as committed, so that a user's edits to the live file do not fail this test.
        string json = GeneratorHarness.ReadArchitecture("lenet5.architecture.json");
        string source = GenerateAndCompile(json, "architecture.json", "LeNet5Network.g.cs");
        Snapshot.Verify(source);
    }

    [Fact]
    public void SeedClassifierWithEmbeddedWeights()
    {
        var files = new AdditionalText[]
        {
            new InMemoryText("/project/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json")),
            new WeightsHeaderText("/project/Weights/lenet5.safetensors", WeightsHeaderText.HeaderOf(WeightsHeaderText.SeedCheckpoint()), "LeNet5"),
        };
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(files);

        Assert.Empty(result.Diagnostics);
        AssertCompiles(output);
        Snapshot.Verify(result.GeneratedSources.Single(s => s.HintName == "LeNet5Classifier.g.cs").SourceText.ToString());
    }

    [Fact]
    public void ClassifierTakesImageFilesOnlyWhenLeNet5ImagingIsReferenced()
    {
        var files = new AdditionalText[] { new InMemoryText("/project/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json")) };
        string Classifier(Compilation compilation)
        {
            GeneratorHarness.CreateDriver(files).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
            AssertCompiles(output);
            return output.SyntaxTrees.Single(t => t.FilePath.EndsWith("LeNet5Classifier.g.cs", StringComparison.Ordinal)).ToString();
        }

        string with = Classifier(GeneratorHarness.CreateCompilation());
        Assert.Contains("public LeNet5Prediction Classify(string path, global::LeNet5.Imaging.InkPolarity polarity = global::LeNet5.Imaging.InkPolarity.Auto)", with);
        Assert.Contains("public LeNet5Prediction Classify(global::LeNet5.Imaging.DigitImage image)", with);

        CSharpCompilation withoutImaging = GeneratorHarness.CreateCompilation()
            .RemoveReferences(GeneratorHarness.References.Where(r => r.Display!.EndsWith("LeNet5.Imaging.dll", StringComparison.Ordinal)));
        string without = Classifier(withoutImaging);
        Assert.DoesNotContain("LeNet5.Imaging.", without);
        Assert.Contains("Reference LeNet5.Imaging for overloads that take image files", without);
    }

    [Fact]
    public void ClassifierWithoutWeightsHasNoEmbeddedMember()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.ReadArchitecture("tiny.architecture.json"), "/project/tiny.architecture.json");

        Assert.Empty(result.Diagnostics);
        AssertCompiles(output);
        string classifier = result.GeneratedSources.Single(s => s.HintName == "TinyClassifier.g.cs").SourceText.ToString();
        Assert.Contains("public static TinyClassifier FromCheckpoint(string path)", classifier);
        Assert.DoesNotContain("Embedded", classifier);
    }

    [Fact]
    public void ClassNamesComeFromTheArchitectureFile()
    {
        string json = GeneratorHarness.ReadArchitecture("tiny.architecture.json").Replace("\"classes\": 3,", "\"classes\": 3, \"classNames\": [\"cat\", \"dog\", \"say \\\"hi\\\"\"],");
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(json, "/project/tiny.architecture.json");

        Assert.Empty(result.Diagnostics);
        AssertCompiles(output);
        Assert.Contains(
            "ClassNames = new[] { \"cat\", \"dog\", \"say \\\"hi\\\"\" },",
            result.GeneratedSources.Single(s => s.HintName == "TinyNetwork.g.cs").SourceText.ToString());
    }

    [Fact]
    public void PaperArchitecture()
    {
        // subsample2d, a conv2d connection table, a conv covering its input (emitted as dense), an rbf output,
        // input scale, LeCun initialisation, the MAP loss and the sdlm recipe
        string json = File.ReadAllText(Path.Combine(GeneratorHarness.TestProjectDirectory(), "..", "..", "paper.architecture.json"));
        string source = GenerateAndCompile(json, "paper.architecture.json", "PaperNetwork.g.cs");
        Snapshot.Verify(source);
    }

    [Fact]
    public void MixedArchitecture()
    {
        // relu, max pooling, a constant pad with a non-zero value, padding and stride on a conv, sigmoid and scaled_tanh
        string json = GeneratorHarness.ReadArchitecture("mixed.architecture.json");
        string source = GenerateAndCompile(json, "mixed.architecture.json", "MixedNetwork.g.cs");
        Snapshot.Verify(source);
    }

    [Fact]
    public void DropoutArchitecture()
    {
        // dropout after a conv and between dense layers: inference copies, training masks, backward and curvature read the mask
        string json = GeneratorHarness.ReadArchitecture("dropout.architecture.json");
        string source = GenerateAndCompile(json, "dropout.architecture.json", "DropoutNetwork.g.cs");
        Snapshot.Verify(source);
    }

    [Fact]
    public void ConvFirstArchitecture()
    {
        // the first layer has parameters, so it computes the input gradient only when asked; stride 2 without padding
        string json = GeneratorHarness.ReadArchitecture("tiny.architecture.json");
        string source = GenerateAndCompile(json, "tiny.architecture.json", "TinyNetwork.g.cs");
        Snapshot.Verify(source);
    }

    [Fact]
    public void SeveralArchitectureFilesGiveSeveralTypes()
    {
        var files = new AdditionalText[]
        {
            new InMemoryText("/p/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json")),
            new InMemoryText("/p/mixed.architecture.json", GeneratorHarness.ReadArchitecture("mixed.architecture.json")),
            new InMemoryText("/p/notes.json", "not an architecture, not even json"),
        };
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(files);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            new[] { "LeNet5Classifier.g.cs", "LeNet5Network.g.cs", "MixedClassifier.g.cs", "MixedNetwork.g.cs" },
            result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        AssertCompiles(output);
    }

    [Fact]
    public void NamespaceFallsBackToTheAssemblyName()
    {
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            new AdditionalText[] { new InMemoryText("/p/tiny.architecture.json", GeneratorHarness.ReadArchitecture("tiny.architecture.json")) },
            GeneratorHarness.ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);

        Assert.NotNull(output.GetTypeByMetadataName(compilation.AssemblyName + ".TinyNetwork"));
        AssertCompiles(output);
    }

    internal static string GenerateAndCompile(string json, string fileName, string hintName)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(json, "/project/" + fileName);
        Assert.Empty(result.Diagnostics);
        GeneratedSourceResult generated = Assert.Single(result.GeneratedSources, s => s.HintName == hintName);
        AssertCompiles(output);
        return generated.SourceText.ToString();
    }

    internal static void AssertCompiles(Compilation output)
    {
        Diagnostic[] problems = output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToArray();
        Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }
}
