using System;

namespace LeNet5.Generator
{
    /// <summary>
    /// Writes the description's <c>Layers</c>: every layer (kind, shapes, kernel, stride, padding, activation, parameter
    /// names, multiply-adds and connections, and the connection table of a sparse conv or the prototypes of an rbf layer)
    /// for tools such as the ONNX exporter and summaries. The prototypes repeat the rbf layer's own table because the
    /// description is initialised before it.
    /// </summary>
    internal static class LayerDescriptionEmitter
    {
        public static void Emit(CodeWriter writer, NetworkModel model)
        {
            writer.Line("Layers = new " + RuntimeTypes.LayerDescription + "[]");
            using (writer.Block(suffix: ","))
            {
                foreach (LayerModel layer in model.Layers)
                {
                    LayerSpec spec = layer.Spec;
                    LayerCounts layerCounts = layer.Emitter.Counts(layer);
                    DescriptionTable? table = layer.Emitter.DescriptionTable(layer);
                    string counts = "MultiplyAdds = " + Long(layerCounts.MultiplyAdds) + ", ConnectionCount = " + Long(layerCounts.Connections);
                    string parameters = layer.HasParameters
                        ? "new[] { " + CodeWriter.String(spec.Name + ".weight") + ", " + CodeWriter.String(spec.Name + ".bias") + " }"
                        : "global::System.Array.Empty<string>()";
                    writer.Line("new " + RuntimeTypes.LayerDescription + "("
                        + CodeWriter.String(spec.Name) + ", "
                        + RuntimeTypes.LayerKind + "." + layer.Emitter.DescribedKind(layer) + ", "
                        + Shape(layer.Input) + ", "
                        + Shape(layer.Output) + ", "
                        + "Kernel: " + CodeWriter.Int(spec.Kernel) + ", "
                        + "Stride: " + CodeWriter.Int(layer.Emitter.DescribedStride(layer)) + ", "
                        + "Padding: " + CodeWriter.Int(spec.Padding) + ", "
                        + "PadValue: " + CodeWriter.Float(spec.PadValue) + ", "
                        + "Activation: " + RuntimeTypes.ActivationKind + "." + spec.Activation + ", "
                        + "ParameterNames: " + parameters + ")" + (table != null ? string.Empty : " { " + counts + " },"));
                    if (table != null)
                    {
                        EmitTable(writer, counts, table);
                    }
                }
            }
        }

        /// <summary>An object initializer setting the counts and one table member, one row (a filter's inputs, a unit's prototype) per line.</summary>
        private static void EmitTable(CodeWriter writer, string counts, DescriptionTable table)
        {
            using (writer.Block(suffix: ","))
            {
                writer.Line(counts + ",");
                using (writer.Block(table.Member, suffix: ","))
                {
                    foreach (string row in table.Rows)
                    {
                        writer.Line(row);
                    }
                }
            }
        }

        private static string Long(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Shape(Shape shape)
            => "new " + RuntimeTypes.FeatureShape + "(" + CodeWriter.Int(shape.Channels) + ", " + CodeWriter.Int(shape.Height) + ", " + CodeWriter.Int(shape.Width) + ")";
    }
}
