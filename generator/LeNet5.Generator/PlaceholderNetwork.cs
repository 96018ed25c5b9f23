using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// The stand-in generated for an architecture file with errors: one dense layer from the declared input to the
    /// declared classes, under the declared name. Its types keep the hand-written code that uses the network compiling,
    /// so a mistake in the file is reported by the file's own diagnostics and by nothing else (no cascade of CS0103).
    /// It never runs: the build has failed.
    /// </summary>
    internal static class PlaceholderNetwork
    {
        private const int LargestInput = 1 << 20;
        private const int LargestClassCount = 1 << 10;

        /// <summary>The placeholder for what a file with errors declares; null when even its name is unusable.</summary>
        public static NetworkModel? For(NetworkSpec? outline)
        {
            if (outline == null || !ArchitectureParser.IsIdentifier(outline.Name))
            {
                return null;
            }

            // Values that are out of range (and already reported) fall back to MNIST's.
            bool inputFits = outline.InputChannels >= 1 && outline.InputHeight >= 1 && outline.InputWidth >= 1
                && (long)outline.InputChannels * outline.InputHeight * outline.InputWidth <= LargestInput;
            bool classesFit = outline.Classes >= 2 && outline.Classes <= LargestClassCount;
            int classes = classesFit ? outline.Classes : 10;
            EquatableArray<string> names = classesFit && outline.ClassNames.Count == classes
                ? outline.ClassNames
                : new EquatableArray<string>(Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            var output = new LayerSpec(
                "output", LayerKind.Dense, classes, 0, 1, 0, 0, ActivationKind.None, outline.NameSpan, outline.NameSpan, outline.NameSpan,
                EquatableArray<EquatableArray<int>>.Empty, outline.NameSpan, EquatableArray<EquatableArray<double>>.Empty, outline.NameSpan);
            var spec = new NetworkSpec(
                outline.FilePath,
                outline.Name,
                inputFits ? outline.InputChannels : 1,
                inputFits ? outline.InputHeight : 28,
                inputFits ? outline.InputWidth : 28,
                classes,
                new EquatableArray<LayerSpec>(new[] { output }),
                TrainingSpec.Default,
                outline.ClassesSpan,
                outline.NameSpan,
                InputScalingSpec.Standardized,
                LossKind.SoftmaxCrossEntropy,
                0,
                InitializationKind.PyTorch,
                names);
            return ShapeInference.Infer(new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty)).Model;
        }
    }
}
