namespace LeNet5.Generator
{
    /// <summary>
    /// subsample2d (LeCun et al. 1998, S2 and S4): each map sums its size x size windows, multiplies the sum by a
    /// trainable coefficient and adds a trainable bias, one of each per map: weight [channels], bias [channels].
    /// </summary>
    internal static class SubsampleEmitter
    {
        public static string Describe(LayerModel layer)
            => "trainable subsampling " + layer.Input + " -> " + layer.Output + ", " + layer.Spec.Kernel + "x" + layer.Spec.Kernel
                + " window sums times a coefficient plus a bias per map, " + ActivationEmitter.Name(layer.Spec.Activation);

        public static void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "PoolSize = " + CodeWriter.Int(layer.Spec.Kernel) + ";");
        }

        public static void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            writer.Open("private static void " + p + "Forward(float* parameters, float* input, float* output)");
            writer.Line("float* coefficients = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            writer.Open("for (int c = 0; c < " + p + "OutputChannels; c++)");
            writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("float* map = output + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Line("float coefficient = coefficients[c];");
            writer.Line("float bias = biases[c];");
            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            writer.Open("for (int x = 0; x < " + p + "OutputWidth; x++)");
            EmitWindowSum(writer, p, "plane");
            writer.Line("map[(y * " + p + "OutputWidth) + x] = (coefficient * sum) + bias;");
            writer.Close();
            writer.Close();
            writer.Close();
            if (layer.Spec.Activation != ActivationKind.None)
            {
                writer.Line();
                ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "output", p + "OutputSize");
            }

            writer.Close();
        }

        public static void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer));
            writer.Open("private static void " + p + "Backward(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient)");
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            writer.Line("float* coefficients = parameters + " + p + "WeightOffset;");
            writer.Line("float* coefficientGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
            writer.Open("for (int c = 0; c < " + p + "OutputChannels; c++)");
            writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("float* map = outputGradient + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Line("float coefficientGradient = 0.0f;");
            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            writer.Open("for (int x = 0; x < " + p + "OutputWidth; x++)");
            EmitWindowSum(writer, p, "plane");
            writer.Line("coefficientGradient += map[(y * " + p + "OutputWidth) + x] * sum;");
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Line("coefficientGradients[c] += coefficientGradient;");
            writer.Line("biasGradients[c] += Sum(map, " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Close();
            writer.Line();
            if (inputGradientOptional)
            {
                writer.Open("if (inputGradient == null)");
                writer.Line("return;");
                writer.Close();
                writer.Line();
            }

            writer.Line("// every input of a window receives the window's gradient times the map's coefficient");
            writer.Open("for (int c = 0; c < " + p + "OutputChannels; c++)");
            writer.Line("float* gradientPlane = inputGradient + (c * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("float* map = outputGradient + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Line("float coefficient = coefficients[c];");
            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            writer.Open("for (int x = 0; x < " + p + "OutputWidth; x++)");
            writer.Line("float share = map[(y * " + p + "OutputWidth) + x] * coefficient;");
            writer.Line("float* gradientWindow = gradientPlane + (y * " + p + "PoolSize * " + p + "InputWidth) + (x * " + p + "PoolSize);");
            writer.Open("for (int dy = 0; dy < " + p + "PoolSize; dy++)");
            writer.Open("for (int dx = 0; dx < " + p + "PoolSize; dx++)");
            writer.Line("gradientWindow[(dy * " + p + "InputWidth) + dx] = share;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
        }

        private static void EmitWindowSum(CodeWriter writer, string p, string plane)
        {
            writer.Line("float* window = " + plane + " + (y * " + p + "PoolSize * " + p + "InputWidth) + (x * " + p + "PoolSize);");
            writer.Line("float sum = 0.0f;");
            writer.Open("for (int dy = 0; dy < " + p + "PoolSize; dy++)");
            writer.Open("for (int dx = 0; dx < " + p + "PoolSize; dx++)");
            writer.Line("sum += window[(dy * " + p + "InputWidth) + dx];");
            writer.Close();
            writer.Close();
            writer.Line();
        }
    }
}
