using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LeNet5.Generator.Tests;

/// <summary>The pipeline keeps only value-equatable data, so unchanged inputs are served from the generator cache.</summary>
public sealed class IncrementalTests
{
    private static readonly string[] TrackedSteps =
    {
        NetworkGenerator.TrackingNames.ArchitectureFiles,
        NetworkGenerator.TrackingNames.Parsed,
        NetworkGenerator.TrackingNames.Model,
        NetworkGenerator.TrackingNames.DuplicateNames,
        NetworkGenerator.TrackingNames.Weights,
        NetworkGenerator.TrackingNames.WeightsAssignment,
        NetworkGenerator.TrackingNames.WithNamespace,
    };

    [Fact]
    public void SecondRunWithUnchangedInputIsCached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("class A { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(ProjectWithWeights()).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.Clone());

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        AssertCached(result);
    }

    [Fact]
    public void EditingAnUnrelatedSourceFileKeepsTheOutputCached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("class A { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(ProjectWithWeights()).RunGenerators(compilation);

        SyntaxTree oldTree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            oldTree,
            CSharpSyntaxTree.ParseText("class A { int B() => 42; }", GeneratorHarness.ParseOptions, oldTree.FilePath));
        driver = driver.RunGenerators(edited);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        AssertCached(result);
    }

    [Fact]
    public void AddingAnUnrelatedAdditionalFileKeepsTheOutputCached()
    {
        var file = new InMemoryText("/p/architecture.json", GeneratorHarness.ReadArchitecture("mixed.architecture.json"));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("class A { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(file).RunGenerators(compilation);

        driver = driver.AddAdditionalTexts(System.Collections.Immutable.ImmutableArray.Create<AdditionalText>(new InMemoryText("/p/readme.txt", "hello")));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(run => run.Outputs), output =>
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
        Assert.All(result.TrackedSteps[NetworkGenerator.TrackingNames.Model].SelectMany(run => run.Outputs), output =>
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void EditingTheArchitectureRegenerates()
    {
        string json = GeneratorHarness.ReadArchitecture("mixed.architecture.json");
        var file = new InMemoryText("/p/architecture.json", json);
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("class A { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(file).RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(file, new InMemoryText("/p/architecture.json", json.Replace("\"units\": 16", "\"units\": 24")));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(
            result.TrackedSteps[NetworkGenerator.TrackingNames.Model].SelectMany(run => run.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int HiddenUnits = 24;", result.GeneratedSources.Single(s => s.HintName == "MixedNetwork.g.cs").SourceText.ToString());
    }

    [Fact]
    public void ChangingTheWeightsRechecksThem()
    {
        string header = WeightsHeaderText.HeaderOf(WeightsHeaderText.SeedCheckpoint());
        var architecture = new InMemoryText("/p/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json"));
        var weights = new WeightsHeaderText("/p/lenet5.safetensors", header);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(architecture, weights).RunGenerators(GeneratorHarness.CreateCompilation());
        Assert.Empty(driver.GetRunResult().Diagnostics);

        driver = driver.ReplaceAdditionalText(weights, new WeightsHeaderText("/p/lenet5.safetensors", header.Replace("\"shape\":[84]", "\"shape\":[85]")));
        driver = driver.RunGenerators(GeneratorHarness.CreateCompilation());

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Equal("LN0034", Assert.Single(result.Diagnostics).Id);
        Assert.Contains(result.TrackedSteps[NetworkGenerator.TrackingNames.Weights].SelectMany(run => run.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.All(result.TrackedSteps[NetworkGenerator.TrackingNames.Model].SelectMany(run => run.Outputs), output =>
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void PipelineHoldsNoCompilationObjects()
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(ProjectWithWeights()).RunGenerators(GeneratorHarness.CreateCompilation());
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        foreach (string step in TrackedSteps)
        {
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object value, _) in run.Outputs)
                {
                    AssertNoRoslynObjects(value, step, 0);
                }
            }
        }
    }

    /// <summary>Two networks, one with embedded weights, so that every tracked step runs (the weights steps run per weights file).</summary>
    private static AdditionalText[] ProjectWithWeights() => new AdditionalText[]
    {
        new InMemoryText("/p/architecture.json", GeneratorHarness.ReadArchitecture("lenet5.architecture.json")),
        new InMemoryText("/p/mixed.architecture.json", GeneratorHarness.ReadArchitecture("mixed.architecture.json")),
        new WeightsHeaderText("/p/lenet5.safetensors", WeightsHeaderText.HeaderOf(WeightsHeaderText.SeedCheckpoint())),
    };

    private static void AssertCached(GeneratorRunResult result)
    {
        foreach (string step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), "step not tracked: " + step);
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                Assert.All(run.Outputs, output =>
                    Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + output.Reason));
            }
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(run => run.Outputs), output =>
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    private static void AssertNoRoslynObjects(object? value, string step, int depth)
    {
        if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree, step + " keeps a " + value.GetType().Name);
        if (value is System.Collections.IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertNoRoslynObjects(item, step, depth + 1);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length == 0)
            {
                AssertNoRoslynObjects(property.GetValue(value), step, depth + 1);
            }
        }
    }
}
