using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using LeNet5.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LeNet5.Generator.Tests;

/// <summary>Runs <see cref="NetworkGenerator"/> in memory over a compilation that references LeNet5.Runtime and LeNet5.Imaging.</summary>
internal static class GeneratorHarness
{
    public const string RootNamespace = "Test.Networks";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> LazyReferences = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(LeNet5.Runtime.INetwork).Assembly.Location)
            .Append(typeof(LeNet5.Imaging.DigitImage).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    });

    public static MetadataReference[] References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(params string[] sources) => CSharpCompilation.Create(
        "Test.Networks",
        sources.Select((source, index) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Source" + index + ".cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(params AdditionalText[] files) => CSharpGeneratorDriver.Create(
        new[] { new NetworkGenerator().AsSourceGenerator() },
        files,
        ParseOptions,
        new TestOptionsProvider(RootNamespace),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator over the given architecture files; returns the result and the updated compilation.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(IEnumerable<AdditionalText> files, params string[] extraSources)
    {
        CSharpCompilation compilation = CreateCompilation(extraSources);
        GeneratorDriver driver = CreateDriver(files.ToArray()).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    public static (GeneratorRunResult Result, Compilation Output) Run(string json, string path = "/project/architecture.json")
        => Run(new[] { new InMemoryText(path, json) });

    public static string TestProjectDirectory([CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile)!;

    public static string ReadArchitecture(string name) => File.ReadAllText(Path.Combine(TestProjectDirectory(), "Architectures", name));
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>
/// The header file the build targets write for a <c>LeNet5Weights</c> item (see build/LeNet5.Generator.targets), with the
/// item metadata they pass to the generator.
/// </summary>
internal sealed class WeightsHeaderText(string weightsPath, string text, string network = "") : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = "/project/obj/LeNet5Weights/" + System.IO.Path.GetFileName(weightsPath) + ".header.json";

    public ImmutableDictionary<string, string> Metadata { get; } = ImmutableDictionary<string, string>.Empty
        .Add("build_metadata.AdditionalFiles.LeNet5WeightsSource", weightsPath)
        .Add("build_metadata.AdditionalFiles.LeNet5WeightsNetwork", network)
        .Add("build_metadata.AdditionalFiles.LeNet5WeightsResource", "LeNet5Weights." + System.IO.Path.GetFileName(weightsPath));

    /// <summary>The committed seed weights, src/LeNet5.Model/Weights/lenet5.safetensors, as the build targets pass them.</summary>
    public static byte[] SeedCheckpoint() => File.ReadAllBytes(System.IO.Path.Combine(
        GeneratorHarness.TestProjectDirectory(), "..", "..", "src", "LeNet5.Model", "Weights", "lenet5.safetensors"));

    /// <summary>What the build targets' inline task writes for a checkpoint: the bytes of tensor data and the JSON header.</summary>
    public static string HeaderOf(byte[] checkpoint)
    {
        int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(checkpoint);
        string header = System.Text.Encoding.UTF8.GetString(checkpoint, 8, length).TrimEnd(' ');
        return "{\"dataLength\": " + (checkpoint.Length - 8 - length) + ", \"header\": " + header + "}";
    }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

internal sealed class TestOptionsProvider(string rootNamespace) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", rootNamespace));

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => textFile is WeightsHeaderText weights ? new Options(weights.Metadata) : Options.Empty;

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
