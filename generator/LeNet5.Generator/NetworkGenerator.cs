using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LeNet5.Generator
{
    /// <summary>
    /// Compiles every <c>architecture.json</c> / <c>*.architecture.json</c> additional file into a
    /// <c>&lt;name&gt;Network</c> struct implementing <c>LeNet5.Runtime.INetwork</c> and a <c>&lt;name&gt;Classifier</c>,
    /// which embeds the network's weights when a <c>LeNet5Weights</c> item declares them.
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

            /// <summary>The parsed header of each embedded weights file.</summary>
            public const string Weights = nameof(Weights);

            /// <summary>Each network's embedded weights.</summary>
            public const string WeightsAssignment = nameof(WeightsAssignment);

            /// <summary>Whether the compilation references LeNet5.Imaging (the classifiers then take image files).</summary>
            public const string Imaging = nameof(Imaging);
        }

        /// <summary>Metadata the build targets put on the header file of a <c>LeNet5Weights</c> item (see build/LeNet5.Generator.targets).</summary>
        private const string WeightsSourceKey = "build_metadata.AdditionalFiles.LeNet5WeightsSource";
        private const string WeightsNetworkKey = "build_metadata.AdditionalFiles.LeNet5WeightsNetwork";
        private const string WeightsResourceKey = "build_metadata.AdditionalFiles.LeNet5WeightsResource";

        /// <inheritdoc/>
        /// <summary>The image-preparation package whose presence gives the classifiers their image overloads.</summary>
        internal const string ImagingAssembly = "LeNet5.Imaging";

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
                .Select(static (result, _) => result.Model ?? result.Placeholder)
                .Where(static model => model != null)
                .Select(static (model, _) => new NetworkName(model!.Spec.Name, model.Spec.FilePath, model.Spec.NameSpan))
                .Collect()
                .Select(static (names, _) => FindDuplicateNames(names))
                .WithTrackingName(TrackingNames.DuplicateNames);

            IncrementalValueProvider<WeightsAssignment> weights = context.AdditionalTextsProvider
                .Combine(context.AnalyzerConfigOptionsProvider)
                .Select(static (pair, cancellationToken) => ReadWeightsDeclaration(pair.Left, pair.Right.GetOptions(pair.Left), cancellationToken))
                .Where(static declaration => declaration != null)
                .Select(static (declaration, _) => WeightsHeaderParser.Parse(declaration!))
                .WithTrackingName(TrackingNames.Weights)
                .Collect()
                .Combine(models.Select(static (result, _) => (result.Model ?? result.Placeholder)?.Spec.Name ?? string.Empty).Collect())
                .Select(static (pair, _) => WeightsCheck.Assign(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.WeightsAssignment);

            context.RegisterSourceOutput(weights, static (productionContext, assignment) =>
            {
                foreach (DiagnosticInfo diagnostic in assignment.Diagnostics)
                {
                    productionContext.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

            // Only a bool travels on, so a new compilation (every edit) does not re-run the emitters.
            IncrementalValueProvider<bool> imaging = context.CompilationProvider
                .Select(static (compilation, _) => compilation.ReferencedAssemblyNames.Any(static name => name.Name == ImagingAssembly))
                .WithTrackingName(TrackingNames.Imaging);

            context.RegisterSourceOutput(
                models.Combine(namespaceName).Combine(duplicates).Combine(weights).Combine(imaging).WithTrackingName(TrackingNames.WithNamespace),
                static (productionContext, input) => Produce(
                    productionContext, input.Left.Left.Left.Left, input.Left.Left.Left.Right, input.Left.Left.Right, input.Left.Right, input.Right));
        }

        internal static bool IsArchitectureFile(string path)
        {
            string fileName = Path.GetFileName(path);
            return string.Equals(fileName, "architecture.json", StringComparison.OrdinalIgnoreCase)
                || fileName.EndsWith(".architecture.json", StringComparison.OrdinalIgnoreCase);
        }

        private static WeightsDeclaration? ReadWeightsDeclaration(AdditionalText text, AnalyzerConfigOptions options, CancellationToken cancellationToken)
        {
            if (!options.TryGetValue(WeightsSourceKey, out string? source) || string.IsNullOrWhiteSpace(source))
            {
                return null;
            }

            options.TryGetValue(WeightsNetworkKey, out string? network);
            options.TryGetValue(WeightsResourceKey, out string? resource);
            return new WeightsDeclaration(source!, network?.Trim() ?? string.Empty, resource ?? string.Empty, text.GetText(cancellationToken)?.ToString());
        }

        private static void Produce(
            SourceProductionContext context, ModelResult result, string namespaceName, EquatableArray<DiagnosticInfo> duplicates, WeightsAssignment weights, bool imaging)
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            // A file with errors still generates its placeholder, so the code that uses the network compiles.
            NetworkModel? model = result.Model ?? result.Placeholder;
            if (model == null)
            {
                return;
            }

            foreach (DiagnosticInfo duplicate in duplicates)
            {
                if (duplicate.FilePath == model.Spec.FilePath)
                {
                    context.ReportDiagnostic(duplicate.ToDiagnostic());
                    return;
                }
            }

            // Weights that do not fit fail the build; the classifier still gets its Embedded member, so no cascade of errors follows.
            WeightsSpec? embedded = weights.For(model.Spec.Name);
            if (embedded != null && result.Model != null)
            {
                foreach (DiagnosticInfo diagnostic in WeightsCheck.Check(result.Model, embedded))
                {
                    context.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            }

            string? namespaceOrNull = IsNamespace(namespaceName) ? namespaceName : null;
            string note = result.Model == null ? PlaceholderNote(model) : string.Empty;
            string source = note + NetworkEmitter.Emit(model, namespaceOrNull);
            context.AddSource(model.TypeName + ".g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
            string classifier = note + ClassifierEmitter.Emit(model, namespaceOrNull, embedded, imaging);
            context.AddSource(ClassifierEmitter.TypeName(model) + ".g.cs", SourceText.From(classifier, System.Text.Encoding.UTF8));
        }

        /// <summary>The first line of a placeholder's sources, for whoever opens them.</summary>
        internal static string PlaceholderNote(NetworkModel placeholder) =>
            "// A placeholder: " + Path.GetFileName(placeholder.Spec.FilePath) + " has errors (see the build output). It keeps the code that uses "
            + placeholder.TypeName + " compiling until they are fixed.\n";

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
