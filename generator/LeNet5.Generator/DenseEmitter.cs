namespace LeNet5.Generator
{
    /// <summary>dense: flattens its input (C, H, W order, as torch.flatten); weights [units, in], bias [units].</summary>
    internal static class DenseEmitter
    {
        public static string Describe(LayerModel layer)
            => "dense " + layer.Input.Size + " -> " + layer.Output.Size + ", " + ActivationEmitter.Name(layer.Spec.Activation);

        public static void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "Units = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + layer.Identifier + "InputSize = " + CodeWriter.Int(layer.Input.Size) + ";");
        }

        public static void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            writer.Open("private static void " + p + "Forward(float* parameters, float* input, float* output)");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("output[u] = biases[u] + Dot(weights + (u * " + p + "InputSize), input, " + p + "InputSize);");
            writer.Close();
            if (layer.Spec.Activation != ActivationKind.None)
            {
                writer.Line();
                ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "output", p + "Units");
            }

            writer.Close();
        }

        public static void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer));
            writer.Open("private static void " + p + "Backward(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient)");
            if (layer.Spec.Activation != ActivationKind.None)
            {
                ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "Units");
            }

            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("float gradient = outputGradient[u];");
            writer.Line("biasGradients[u] += gradient;");
            writer.Line("Axpy(gradient, input, weightGradients + (u * " + p + "InputSize), " + p + "InputSize);");
            writer.Close();
            writer.Line();
            if (inputGradientOptional)
            {
                writer.Open("if (inputGradient == null)");
                writer.Line("return;");
                writer.Close();
                writer.Line();
            }

            writer.Line("new Span<float>(inputGradient, " + p + "InputSize).Clear();");
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("Axpy(outputGradient[u], weights + (u * " + p + "InputSize), inputGradient, " + p + "InputSize);");
            writer.Close();
            writer.Close();
        }
    }
}
