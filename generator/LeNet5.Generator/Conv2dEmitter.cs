namespace LeNet5.Generator
{
    /// <summary>
    /// conv2d: weights [filters, in, k, k], bias [filters]. Forward accumulates one kernel tap at a time over
    /// whole output rows (contiguous, vectorised through the Axpy/Dot helpers when the stride is 1); zero padding
    /// is handled by clipping each tap's row and column ranges, so no padded copy is made.
    /// </summary>
    internal static class Conv2dEmitter
    {
        public static string Describe(LayerModel layer)
        {
            LayerSpec spec = layer.Spec;
            string text = "conv " + layer.Input + " -> " + layer.Output + ", " + spec.Kernel + "x" + spec.Kernel + " kernel";
            if (spec.Stride != 1)
            {
                text += ", stride " + spec.Stride;
            }

            if (spec.Padding != 0)
            {
                text += ", zero padding " + spec.Padding;
            }

            return text + ", " + ActivationEmitter.Name(spec.Activation);
        }

        public static void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("public const int " + p + "Filters = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + p + "Kernel = " + CodeWriter.Int(layer.Spec.Kernel) + ";");
            writer.Line("public const int " + p + "Stride = " + CodeWriter.Int(layer.Spec.Stride) + ";");
            writer.Line("public const int " + p + "Padding = " + CodeWriter.Int(layer.Spec.Padding) + ";");
        }

        public static void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            writer.Open("private static void " + p + "Forward(float* parameters, float* input, float* output)");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = output + (o * " + MapSize(p, "Output") + ");");
            writer.Line("new Span<float>(map, " + MapSize(p, "Output") + ").Fill(biases[o]);");
            writer.Open("for (int i = 0; i < " + p + "InputChannels; i++)");
            writer.Line("float* plane = input + (i * " + MapSize(p, "Input") + ");");
            writer.Line("float* kernel = weights + (((o * " + p + "InputChannels) + i) * " + p + "Kernel * " + p + "Kernel);");
            EmitTapLoops(
                writer,
                layer,
                "float weight = kernel[(ky * " + p + "Kernel) + kx];",
                null,
                (rowIn, rowOut, start, count) => "Axpy(weight, plane + " + rowIn + ", map + " + rowOut + ", " + count + ");",
                (inIndex, outIndex) => "map[" + outIndex + "] += weight * plane[" + inIndex + "];");
            writer.Close();
            ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "map", MapSize(p, "Output"));
            writer.Close();
            writer.Close();
        }

        public static void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer));
            writer.Open("private static void " + p + "Backward(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient)");
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputGradient + (o * " + MapSize(p, "Output") + ");");
            writer.Line("biasGradients[o] += Sum(map, " + MapSize(p, "Output") + ");");
            writer.Open("for (int i = 0; i < " + p + "InputChannels; i++)");
            writer.Line("float* plane = input + (i * " + MapSize(p, "Input") + ");");
            writer.Line("float* kernelGradient = weightGradients + (((o * " + p + "InputChannels) + i) * " + p + "Kernel * " + p + "Kernel);");
            EmitTapLoops(
                writer,
                layer,
                "float sum = 0.0f;",
                "kernelGradient[(ky * " + p + "Kernel) + kx] += sum;",
                (rowIn, rowOut, start, count) => "sum += Dot(map + " + rowOut + ", plane + " + rowIn + ", " + count + ");",
                (inIndex, outIndex) => "sum += map[" + outIndex + "] * plane[" + inIndex + "];");
            writer.Close();
            writer.Close();
            writer.Line();

            if (inputGradientOptional)
            {
                writer.Open("if (inputGradient == null)");
                writer.Line("return;");
                writer.Close();
                writer.Line();
            }

            writer.Line("new Span<float>(inputGradient, " + p + "InputChannels * " + MapSize(p, "Input") + ").Clear();");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputGradient + (o * " + MapSize(p, "Output") + ");");
            writer.Open("for (int i = 0; i < " + p + "InputChannels; i++)");
            writer.Line("float* plane = inputGradient + (i * " + MapSize(p, "Input") + ");");
            writer.Line("float* kernel = weights + (((o * " + p + "InputChannels) + i) * " + p + "Kernel * " + p + "Kernel);");
            EmitTapLoops(
                writer,
                layer,
                "float weight = kernel[(ky * " + p + "Kernel) + kx];",
                null,
                (rowIn, rowOut, start, count) => "Axpy(weight, map + " + rowOut + ", plane + " + rowIn + ", " + count + ");",
                (inIndex, outIndex) => "plane[" + inIndex + "] += weight * map[" + outIndex + "];");
            writer.Close();
            writer.Close();
            writer.Close();
        }

        private static string MapSize(string p, string side) => p + side + "Height * " + p + side + "Width";

        private delegate string RowStatement(string inputRowOffset, string outputRowOffset, string start, string count);

        private delegate string ElementStatement(string inputIndex, string outputIndex);

        /// <summary>
        /// for ky, kx: [before]; for every output row y and column x that the tap (ky, kx) reaches inside the input:
        /// the statement on input element (y * s + ky - p, x * s + kx - p) and output element (y, x); [after].
        /// </summary>
        private static void EmitTapLoops(CodeWriter writer, LayerModel layer, string before, string? after, RowStatement row, ElementStatement element)
        {
            string p = layer.Identifier;
            int stride = layer.Spec.Stride;
            int padding = layer.Spec.Padding;
            string s = p + "Stride";
            string pad = p + "Padding";
            string inW = p + "InputWidth";
            string outW = p + "OutputWidth";

            writer.Open("for (int ky = 0; ky < " + p + "Kernel; ky++)");
            string yStart = "0";
            string yEnd = p + "OutputHeight";
            string xStart = "0";
            string xEnd = outW;
            if (padding > 0)
            {
                yStart = "yStart";
                yEnd = "yEnd";
                writer.Line("// rows y whose input row y * stride + ky - padding lies inside the input");
                writer.Line(stride == 1
                    ? "int yStart = Math.Max(0, " + pad + " - ky);"
                    : "int yStart = ky < " + pad + " ? (" + pad + " - ky + " + s + " - 1) / " + s + " : 0;");
                writer.Line(stride == 1
                    ? "int yEnd = Math.Min(" + p + "OutputHeight, " + p + "InputHeight + " + pad + " - ky);"
                    : "int yEnd = Math.Min(" + p + "OutputHeight, (" + p + "InputHeight + " + pad + " - ky + " + s + " - 1) / " + s + ");");
            }

            writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
            if (padding > 0)
            {
                xStart = "xStart";
                xEnd = "xEnd";
                writer.Line(stride == 1
                    ? "int xStart = Math.Max(0, " + pad + " - kx);"
                    : "int xStart = kx < " + pad + " ? (" + pad + " - kx + " + s + " - 1) / " + s + " : 0;");
                writer.Line(stride == 1
                    ? "int xEnd = Math.Min(" + outW + ", " + inW + " + " + pad + " - kx);"
                    : "int xEnd = Math.Min(" + outW + ", (" + inW + " + " + pad + " - kx + " + s + " - 1) / " + s + ");");
            }

            writer.Line(before);
            writer.Open("for (int y = " + yStart + "; y < " + yEnd + "; y++)");
            string inputRow = "((" + Scaled("y", stride, s) + " + ky" + (padding > 0 ? " - " + pad : string.Empty) + ") * " + inW + ")";
            string outputRow = "(y * " + outW + ")";
            if (stride == 1)
            {
                string inputColumn = padding > 0 ? "(" + xStart + " + kx - " + pad + ")" : "kx";
                string outputColumn = padding > 0 ? " + " + xStart : string.Empty;
                string count = padding > 0 ? xEnd + " - " + xStart : outW;
                writer.Line(row(inputRow + " + " + inputColumn, outputRow + outputColumn, xStart, count));
            }
            else
            {
                writer.Open("for (int x = " + xStart + "; x < " + xEnd + "; x++)");
                string inputIndex = inputRow + " + (x * " + s + ") + kx" + (padding > 0 ? " - " + pad : string.Empty);
                writer.Line(element(inputIndex, outputRow + " + x"));
                writer.Close();
            }

            writer.Close();
            if (after != null)
            {
                writer.Line(after);
            }

            writer.Close();
            writer.Close();
        }

        private static string Scaled(string variable, int stride, string strideName) => stride == 1 ? variable : "(" + variable + " * " + strideName + ")";
    }
}
