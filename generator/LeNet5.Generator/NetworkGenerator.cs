using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
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

            /// <summary>Files whose network name an earlier file already uses.</summary>
            public const string DuplicateNames = nameof(DuplicateNames);
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

            // Two files naming their network alike would generate the same type: the later file (by path) reports LN0019
            // and generates nothing.
            IncrementalValueProvider<EquatableArray<DiagnosticInfo>> duplicates = models
                .Where(static result => result.Model != null)
                .Select(static (result, _) => new NetworkName(result.Model!.Spec.Name, result.Model.Spec.FilePath, result.Model.Spec.NameSpan))
                .Collect()
                .Select(static (names, _) => FindDuplicateNames(names))
                .WithTrackingName(TrackingNames.DuplicateNames);

            context.RegisterSourceOutput(
                models.Combine(namespaceName).Combine(duplicates).WithTrackingName(TrackingNames.WithNamespace),
                static (productionContext, input) => Produce(productionContext, input.Left.Left, input.Left.Right, input.Right));
        }

        internal static bool IsArchitectureFile(string path)
        {
            string fileName = Path.GetFileName(path);
            return string.Equals(fileName, "architecture.json", StringComparison.OrdinalIgnoreCase)
                || fileName.EndsWith(".architecture.json", StringComparison.OrdinalIgnoreCase);
        }

        private static void Produce(SourceProductionContext context, ModelResult result, string namespaceName, EquatableArray<DiagnosticInfo> duplicates)
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Model == null)
            {
                return;
            }

            foreach (DiagnosticInfo duplicate in duplicates)
            {
                if (duplicate.FilePath == result.Model.Spec.FilePath)
                {
                    context.ReportDiagnostic(duplicate.ToDiagnostic());
                    return;
                }
            }

            string source = NetworkEmitter.Emit(result.Model, IsNamespace(namespaceName) ? namespaceName : null);
            context.AddSource(result.Model.TypeName + ".g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
        }

        private static EquatableArray<DiagnosticInfo> FindDuplicateNames(ImmutableArray<NetworkName> names)
        {
            var first = new Dictionary<string, NetworkName>(StringComparer.OrdinalIgnoreCase);
            var duplicates = new List<DiagnosticInfo>();
            foreach (NetworkName name in names.OrderBy(static name => name.FilePath, StringComparer.Ordinal))
            {
                if (first.TryGetValue(name.Name, out NetworkName? earlier))
                {
                    duplicates.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateNetworkName, name.FilePath, name.Span, name.Name, earlier.FilePath));
                }
                else
                {
                    first.Add(name.Name, name);
                }
            }

            return new EquatableArray<DiagnosticInfo>(duplicates);
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

        /// <summary>A network's name and where it is declared.</summary>
        private sealed record NetworkName(string Name, string FilePath, SourceSpan Span);

        /// <summary>The path and text of one architecture file, selected early so that later steps compare by value.</summary>
        private sealed record ArchitectureFile(string Path, string? Text);
    }
}
