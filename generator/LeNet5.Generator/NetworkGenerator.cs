using System;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LeNet5.Generator
{
    /// <summary>
    /// Compiles every <c>architecture.json</c> / <c>*.architecture.json</c> additional file into a
    /// <c>&lt;name&gt;Network</c> struct implementing <c>LeNet5.Runtime.INetwork</c>.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetworkGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline steps, for the incremental-caching tests.</summary>
        public static class TrackingNames
        {
            /// <summary>Path and text of each architecture file.</summary>
            public const string ArchitectureFiles = nameof(ArchitectureFiles);

            /// <summary>The parsed spec and its diagnostics.</summary>
            public const string Parsed = nameof(Parsed);

            /// <summary>The spec with shapes and offsets, ready to emit.</summary>
            public const string Model = nameof(Model);

            /// <summary>The namespace of the generated types.</summary>
            public const string Namespace = nameof(Namespace);

            /// <summary>Each model paired with the namespace, the input of the source output.</summary>
            public const string WithNamespace = nameof(WithNamespace);
        }

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ArchitectureFile> files = context.AdditionalTextsProvider
                .Where(static text => IsArchitectureFile(text.Path))
                .Select(static (text, cancellationToken) => new ArchitectureFile(text.Path, text.GetText(cancellationToken)?.ToString()))
                .WithTrackingName(TrackingNames.ArchitectureFiles);

            IncrementalValuesProvider<ModelResult> models = files
                .Select(static (file, _) => file.Text == null
                    ? new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty)
                    : ArchitectureParser.Parse(file.Path, file.Text))
                .WithTrackingName(TrackingNames.Parsed)
                .Select(static (parsed, _) => ShapeInference.Infer(parsed))
                .WithTrackingName(TrackingNames.Model);

            IncrementalValueProvider<string> namespaceName = context.AnalyzerConfigOptionsProvider
                .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty))
                .Select(static (pair, _) =>
                    pair.Left.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? rootNamespace) && !string.IsNullOrWhiteSpace(rootNamespace)
                        ? rootNamespace!.Trim()
                        : pair.Right)
                .WithTrackingName(TrackingNames.Namespace);

            context.RegisterSourceOutput(
                models.Combine(namespaceName).WithTrackingName(TrackingNames.WithNamespace),
                static (productionContext, pair) => Produce(productionContext, pair.Left, pair.Right));
        }

        internal static bool IsArchitectureFile(string path)
        {
            string fileName = Path.GetFileName(path);
            return string.Equals(fileName, "architecture.json", StringComparison.OrdinalIgnoreCase)
                || fileName.EndsWith(".architecture.json", StringComparison.OrdinalIgnoreCase);
        }

        private static void Produce(SourceProductionContext context, ModelResult result, string namespaceName)
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Model == null)
            {
                return;
            }

            string source = NetworkEmitter.Emit(result.Model, IsNamespace(namespaceName) ? namespaceName : null);
            context.AddSource(result.Model.TypeName + ".g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
        }

        private static bool IsNamespace(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return false;
            }

            foreach (string part in name.Split('.'))
            {
                if (!ArchitectureParser.IsIdentifier(part))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The path and text of one architecture file, selected early so that later steps compare by value.</summary>
        private sealed record ArchitectureFile(string Path, string? Text);
    }
}
