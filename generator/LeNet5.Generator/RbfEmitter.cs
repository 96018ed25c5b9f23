namespace LeNet5.Generator
{
    /// <summary>
    /// rbf (LeCun et al. 1998, the output layer): unit i compares its flattened input x with a fixed prototype w_i and
    /// outputs z_i = -||x - w_i||^2, so the largest output is the nearest prototype and the outputs serve as logits.
    /// The prototypes come from the architecture file and are constants, not parameters.
    /// </summary>
    internal static class RbfEmitter
    {
        public static string Describe(LayerModel layer)
            => "Euclidean RBF " + layer.Input.Size + " -> " + layer.Output.Size + ", fixed prototypes, outputs minus the squared distances";

        /// <summary>Every unit squares and sums its distance to each input; it has no bias.</summary>
        public static LayerCounts Counts(LayerModel layer)
        {
            long multiplyAdds = (long)layer.Input.Size * layer.Output.Size;
            return new LayerCounts(multiplyAdds, multiplyAdds);
        }

        public static void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "Units = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + layer.Identifier + "InputSize = " + CodeWriter.Int(layer.Input.Size) + ";");
        }

        /// <summary>The prototypes, unit by unit, one line each.</summary>
        public static void EmitTables(CodeWriter writer, LayerModel layer)
        {
            writer.Line("// " + layer.Spec.Name + ": the fixed prototypes [units, inputs], one unit per line");
            writer.Line("private static readonly float[] " + layer.Identifier + "Prototypes =");
            writer.Open();
            foreach (EquatableArray<double> prototype in layer.Spec.Prototypes)
            {
                writer.Line(CodeWriter.Floats(prototype) + ",");
            }

            writer.Close(";");
        }

        public static void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            writer.Open("private static void " + p + "Forward(float* input, float* output)");
            writer.Line("fixed (float* prototypes = " + p + "Prototypes)");
            writer.Open();
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("float* prototype = prototypes + (u * " + p + "InputSize);");
            writer.Line("float distance = 0.0f;");
            writer.Open("for (int j = 0; j < " + p + "InputSize; j++)");
            writer.Line("float difference = input[j] - prototype[j];");
            writer.Line("distance += difference * difference;");
            writer.Close();
            writer.Line();
            writer.Line("output[u] = -distance;");
            writer.Close();
            writer.Close();
            writer.Close();
        }

        public static void EmitBackward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer) + "; dz_i/dx_j = -2 (x_j - w_ij)");
            writer.Open("private static void " + p + "Backward(float* input, float* output, float* outputGradient, float* inputGradient)");
            writer.Line("fixed (float* prototypes = " + p + "Prototypes)");
            writer.Open();
            writer.Line("float total = 0.0f;");
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("total += outputGradient[u];");
            writer.Close();
            writer.Line();
            writer.Line("// sum_i g_i * -2 (x_j - w_ij) = -2 (x_j * sum_i g_i - sum_i g_i w_ij)");
            writer.Open("for (int j = 0; j < " + p + "InputSize; j++)");
            writer.Line("inputGradient[j] = -2.0f * input[j] * total;");
            writer.Close();
            writer.Line();
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("Axpy(2.0f * outputGradient[u], prototypes + (u * " + p + "InputSize), inputGradient, " + p + "InputSize);");
            writer.Close();
            writer.Close();
            writer.Close();
        }
    }
}
