using System;

namespace LeNet5.Generator
{
    /// <summary>
    /// Writes the <c>Layers</c> member: a static description of every layer (kind as written in the architecture file,
    /// shapes, kernel, stride, padding, activation, parameter names, multiply-adds and connections, and the connection
    /// table of a sparse conv or the prototypes of an rbf layer) for tools such as the ONNX exporter and summaries. The prototypes repeat the rbf layer's own table
    /// because <c>Layers</c> is initialised before it.
    /// </summary>
    internal static class LayerDescriptionEmitter
    {
        public static void Emit(CodeWriter writer, NetworkModel model)
        {
            writer.Line("/// <summary>The layers in order, as declared in the architecture file, with their inferred shapes.</summary>");
            writer.Line("public static IReadOnlyList<global::LeNet5.Runtime.LayerDescription> Layers { get; } = new global::LeNet5.Runtime.LayerDescription[]");
            writer.Open();
            foreach (LayerModel layer in model.Layers)
            {
                LayerSpec spec = layer.Spec;
                LayerCounts layerCounts = NetworkEmitter.Counts(layer);
                string counts = "MultiplyAdds = " + Long(layerCounts.MultiplyAdds) + ", ConnectionCount = " + Long(layerCounts.Connections);
                string parameters = layer.HasParameters
                    ? "new[] { " + CodeWriter.String(spec.Name + ".weight") + ", " + CodeWriter.String(spec.Name + ".bias") + " }"
                    : "global::System.Array.Empty<string>()";
                writer.Line("new global::LeNet5.Runtime.LayerDescription("
                    + CodeWriter.String(spec.Name) + ", "
                    + CodeWriter.String(KindName(spec)) + ", "
                    + Shape(layer.Input) + ", "
                    + Shape(layer.Output) + ", "
                    + "Kernel: " + CodeWriter.Int(spec.Kernel) + ", "
                    + "Stride: " + CodeWriter.Int(spec.Kind == LayerKind.Conv2d || spec.Kind == LayerKind.AvgPool2d || spec.Kind == LayerKind.MaxPool2d ? spec.Stride : 0) + ", "
                    + "Padding: " + CodeWriter.Int(spec.Padding) + ", "
                    + "PadValue: " + CodeWriter.Float(spec.PadValue) + ", "
                    + "Activation: " + CodeWriter.String(ShapeInference.ActivationName(spec.Activation)) + ", "
                    + "ParameterNames: " + parameters + ")" + (spec.IsSparse || spec.Kind == LayerKind.Rbf ? string.Empty : " { " + counts + " },"));
                if (spec.IsSparse)
                {
                    EmitTable(writer, counts, "Connections = new[]", spec.Connections, row => "new[] { " + CodeWriter.Ints(row) + " },");
                }
                else if (spec.Kind == LayerKind.Rbf)
                {
                    EmitTable(writer, counts, "Prototypes = new float[]", spec.Prototypes, prototype => CodeWriter.Floats(prototype) + ",");
                }
            }

            writer.Close(";");
            writer.Line();
        }

        /// <summary>An object initializer setting the counts and one table member, one row (a filter's inputs, a unit's prototype) per line.</summary>
        private static void EmitTable<T>(CodeWriter writer, string counts, string member, EquatableArray<T> rows, Func<T, string> row)
            where T : IEquatable<T>
        {
            writer.Open();
            writer.Line(counts + ",");
            writer.Open(member);
            foreach (T item in rows)
            {
                writer.Line(row(item));
            }

            writer.Close(",");
            writer.Close(",");
        }

        /// <summary>
        /// The kind as the architecture file spells it (the enum member in lower case); a conv2d with a connection table
        /// is <c>sparse_conv2d</c>, so that tools that only know dense convolutions refuse it.
        /// </summary>
        private static string KindName(LayerSpec spec) => spec.IsSparse ? "sparse_conv2d" : spec.Kind.ToString().ToLowerInvariant();

        private static string Long(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Shape(Shape shape)
            => "new global::LeNet5.Runtime.FeatureShape(" + CodeWriter.Int(shape.Channels) + ", " + CodeWriter.Int(shape.Height) + ", " + CodeWriter.Int(shape.Width) + ")";
    }
}
