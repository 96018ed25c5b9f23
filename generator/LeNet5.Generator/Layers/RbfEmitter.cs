using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// rbf (LeCun et al. 1998, the output layer): unit i compares its flattened input x with a fixed prototype w_i and
    /// outputs z_i = -||x - w_i||^2, so the largest output is the nearest prototype and the outputs serve as logits.
    /// The prototypes come from the architecture file and are constants, not parameters.
    /// </summary>
    internal sealed class RbfEmitter : LayerEmitter
    {
        public static readonly RbfEmitter Instance = new RbfEmitter();

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
        {
            for (int u = 0; u < layer.Prototypes.Count; u++)
            {
                if (layer.Prototypes[u].Count != input.Size)
                {
                    report.Add(
                        DiagnosticDescriptors.PrototypeSizeMismatch,
                        layer.PrototypesSpan,
                        ShapeInference.Text(u),
                        layer.Name,
                        ShapeInference.Text(layer.Prototypes[u].Count),
                        ShapeInference.Text(input.Size));
                    return null;
                }
            }

            return new LayerShape(new Shape(layer.Size, 1, 1));
        }

        public override KernelHelpers Helpers(LayerModel layer) => KernelHelpers.Axpy;

        /// <summary>The prototypes, one unit per line (the <c>Layers</c> table is initialised before the layer's own table).</summary>
        public override DescriptionTable? DescriptionTable(LayerModel layer)
            => new DescriptionTable("Prototypes = new float[]", layer.Spec.Prototypes.Select(prototype => CodeWriter.Floats(prototype) + ",").ToList());

        public override string Describe(LayerModel layer)
            => "Euclidean RBF " + layer.Input.Size + " -> " + layer.Output.Size + ", fixed prototypes, outputs minus the squared distances";

        /// <summary>Every unit squares and sums its distance to each input; it has no bias.</summary>
        public override LayerCounts Counts(LayerModel layer)
        {
            long multiplyAdds = (long)layer.Input.Size * layer.Output.Size;
            return new LayerCounts(multiplyAdds, multiplyAdds);
        }

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "Units = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + layer.Identifier + "InputSize = " + CodeWriter.Int(layer.Input.Size) + ";");
        }

        /// <summary>The prototypes, unit by unit, one line each.</summary>
        public override void EmitTables(CodeWriter writer, LayerModel layer)
        {
            writer.Line("// " + layer.Spec.Name + ": the fixed prototypes [units, inputs], one unit per line");
            writer.Line("private static readonly float[] " + layer.Identifier + "Prototypes =");
            using (writer.Block(suffix: ";"))
            {
                foreach (EquatableArray<double> prototype in layer.Spec.Prototypes)
                {
                    writer.Line(CodeWriter.Floats(prototype) + ",");
                }
            }

            writer.Line();
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            using (writer.Block("private static void " + p + "Forward(float* input, float* output)"))
            {
                writer.Line("fixed (float* prototypes = " + p + "Prototypes)");
                using (writer.Block())
                using (writer.Block("for (int u = 0; u < " + p + "Units; u++)"))
                {
                    writer.Line("float* prototype = prototypes + (u * " + p + "InputSize);");
                    writer.Line("float distance = 0.0f;");
                    using (writer.Block("for (int j = 0; j < " + p + "InputSize; j++)"))
                    {
                        writer.Line("float difference = input[j] - prototype[j];");
                        writer.Line("distance += difference * difference;");
                    }

                    writer.Line();
                    writer.Line("output[u] = -distance;");
                }
            }
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer) + "; dz_i/dx_j = -2 (x_j - w_ij)");
            using (writer.Block("private static void " + p + "Backward(float* input, float* output, float* outputGradient, float* inputGradient)"))
            {
                writer.Line("fixed (float* prototypes = " + p + "Prototypes)");
                using (writer.Block())
                {
                    writer.Line("float total = 0.0f;");
                    using (writer.Block("for (int u = 0; u < " + p + "Units; u++)"))
                    {
                        writer.Line("total += outputGradient[u];");
                    }

                    writer.Line();
                    writer.Line("// sum_i g_i * -2 (x_j - w_ij) = -2 (x_j * sum_i g_i - sum_i g_i w_ij)");
                    using (writer.Block("for (int j = 0; j < " + p + "InputSize; j++)"))
                    {
                        writer.Line("inputGradient[j] = -2.0f * input[j] * total;");
                    }

                    writer.Line();
                    using (writer.Block("for (int u = 0; u < " + p + "Units; u++)"))
                    {
                        writer.Line("Axpy(2.0f * outputGradient[u], prototypes + (u * " + p + "InputSize), inputGradient, " + p + "InputSize);");
                    }
                }
            }
        }

        /// <summary>
        /// The rbf output's input curvature is that of the squared distance to the target prototype, 2 per coordinate: the
        /// MAP criterion's first term, a squared error. Its competitive term is left out, as its curvature vanishes when
        /// the nearest prototype is far ahead.
        /// </summary>
        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": curvature of the squared distance to the target prototype, 2 for every input");
            using (writer.Block("private static void " + p + "Curvature(float* input, float* output, float* outputCurvature, float* inputCurvature)"))
            {
                writer.Line("new Span<float>(inputCurvature, " + p + "InputSize).Fill(2.0f);");
            }
        }
    }
}
