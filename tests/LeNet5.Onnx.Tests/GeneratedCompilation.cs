using System.Collections.Immutable;
using System.Reflection;
using LeNet5.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LeNet5.Onnx.Tests;

/// <summary>
/// Compiles an architecture file in memory with <see cref="NetworkGenerator"/>, as a project's build does, and loads the
/// result: the imported files are checked by the generator itself, not by a copy of its rules.
/// </summary>
internal static class GeneratedCompilation
{
    private const string AssemblyName = "Imported.Networks";

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(LeNet5.Runtime.INetwork).Assembly.Location)
            .Append(typeof(LeNet5.Imaging.DigitImage).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    /// <summary>The generated <c>{name}Network</c> type of <paramref name="architecture"/>; fails the test with every error the build would report.</summary>
    public static Type Network(string architecture, string name)
    {
        var compilation = CSharpCompilation.Create(AssemblyName, [], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()], [new ArchitectureText("/imported/architecture.json", architecture)],
            new CSharpParseOptions(LanguageVersion.Latest));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(image);
        string[] errors = generatorDiagnostics.Concat(emitted.Diagnostics)
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Id.StartsWith("LN", StringComparison.Ordinal))
            .Select(d => d.ToString())
            .ToArray();
        Assert.True(errors.Length == 0 && emitted.Success, "the generator's build of the imported architecture reports:\n" + string.Join("\n", errors));
        Assembly assembly = Assembly.Load(image.ToArray());
        return assembly.GetType($"{AssemblyName}.{name}Network") ?? throw new InvalidOperationException($"no {name}Network was generated");
    }

    private sealed class ArchitectureText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
