using System;
using System.Text;

namespace LeNet5.Generator
{
    /// <summary>
    /// conv2d with a connection table (LeCun et al. 1998, C3): filter o reads only the input maps listed in row o.
    /// Weights are packed: one k x k kernel per connection, filter by filter in table order (tensor shape
    /// [connections, k, k]), so absent connections cost neither parameters nor multiplies. Each connection is a
    /// correlation of one input plane with one kernel, done tap by tap over the rows the tap reaches (clipped for padding).
    /// </summary>
    internal static class SparseConv2dEmitter
    {
        public static string Describe(LayerModel layer)
        {
            LayerSpec spec = layer.Spec;
            string text = "sparse conv " + layer.Input + " -> " + layer.Output + ", " + spec.Kernel + "x" + spec.Kernel + " kernel, "
                + ConnectionCount(spec) + " of " + (spec.Size * layer.Input.Channels) + " connections";
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

        public static int ConnectionCount(LayerSpec spec)
        {
            int count = 0;
            foreach (EquatableArray<int> row in spec.Connections)
            {
                count += row.Count;
            }

            return count;
        }

        public static void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("public const int " + p + "Filters = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + p + "Kernel = " + CodeWriter.Int(layer.Spec.Kernel) + ";");
            writer.Line("public const int " + p + "Stride = " + CodeWriter.Int(layer.Spec.Stride) + ";");
            writer.Line("public const int " + p + "Padding = " + CodeWriter.Int(layer.Spec.Padding) + ";");
            writer.Line("public const int " + p + "Connections = " + CodeWriter.Int(ConnectionCount(layer.Spec)) + ";");
        }

        /// <summary>The connection table and, per kernel row / column, the output range the tap reaches inside the input.</summary>
        public static void EmitTables(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            LayerSpec spec = layer.Spec;
            var starts = new int[spec.Size + 1];
            var inputs = new System.Collections.Generic.List<int>();
            for (int o = 0; o < spec.Size; o++)
            {
                starts[o] = inputs.Count;
                inputs.AddRange(spec.Connections[o]);
            }

            starts[spec.Size] = inputs.Count;
            int k = spec.Kernel;
            var firstRow = new int[k];
            var rowEnd = new int[k];
            var firstColumn = new int[k];
            var columnEnd = new int[k];
            for (int tap = 0; tap < k; tap++)
            {
                Reach(tap, spec.Stride, spec.Padding, layer.Input.Height, layer.Output.Height, out firstRow[tap], out rowEnd[tap]);
                Reach(tap, spec.Stride, spec.Padding, layer.Input.Width, layer.Output.Width, out firstColumn[tap], out columnEnd[tap]);
            }

            writer.Line("// " + spec.Name + ": filter o reads input maps " + p + "ConnectionInputs[" + p + "ConnectionStarts[o] .. " + p + "ConnectionStarts[o + 1]], whose kernels are packed in the same order");
            writer.Line("private static readonly int[] " + p + "ConnectionStarts = { " + Join(starts) + " };");
            writer.Line("private static readonly int[] " + p + "ConnectionInputs = { " + Join(inputs.ToArray()) + " };");
            writer.Line("// " + spec.Name + ": for kernel row (column) t, the output rows (columns) whose tap t lands inside the unpadded input");
            writer.Line("private static readonly int[] " + p + "TapFirstRow = { " + Join(firstRow) + " };");
            writer.Line("private static readonly int[] " + p + "TapRowEnd = { " + Join(rowEnd) + " };");
            writer.Line("private static readonly int[] " + p + "TapFirstColumn = { " + Join(firstColumn) + " };");
            writer.Line("private static readonly int[] " + p + "TapColumnEnd = { " + Join(columnEnd) + " };");
        }

        /// <summary>Outputs o in [first, end) with 0 &lt;= o * stride + tap - padding &lt; size.</summary>
        private static void Reach(int tap, int stride, int padding, int size, int outputs, out int first, out int end)
        {
            first = Math.Max(0, CeilingDivide(padding - tap, stride));
            end = Math.Min(outputs, FloorDivide(size - 1 - tap + padding, stride) + 1);
            if (end < first)
            {
                end = first;
            }
        }

        private static int FloorDivide(int a, int b) => (int)Math.Floor((double)a / b);

        private static int CeilingDivide(int a, int b) => (int)Math.Ceiling((double)a / b);

        private static string Join(int[] values)
        {
            var builder = new StringBuilder();
            for (int i = 0; i < values.Length; i++)
            {
                builder.Append(i == 0 ? string.Empty : ", ").Append(CodeWriter.Int(values[i]));
            }

            return builder.ToString();
        }

        public static void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            writer.Open("private static void " + p + "Forward(float* parameters, float* input, float* output)");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            writer.Line("ReadOnlySpan<int> starts = " + p + "ConnectionStarts;");
            writer.Line("ReadOnlySpan<int> inputs = " + p + "ConnectionInputs;");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = output + (o * " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Line("new Span<float>(map, " + p + "OutputHeight * " + p + "OutputWidth).Fill(biases[o]);");
            writer.Open("for (int connection = starts[o]; connection < starts[o + 1]; connection++)");
            writer.Line("float* plane = input + (inputs[connection] * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("float* kernel = weights + (connection * " + p + "Kernel * " + p + "Kernel);");
            EmitTapLoops(writer, layer, "float tap = kernel[(ky * " + p + "Kernel) + kx];", "map", "plane", (outRow, inRow, length) =>
                layer.Spec.Stride == 1
                    ? "Axpy(tap, " + inRow + ", " + outRow + ", " + length + ");"
                    : null,
                "map[(oy * " + p + "OutputWidth) + ox] += tap * plane[(iy * " + p + "InputWidth) + ix];");
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
            writer.Open("private static void " + p + "Backward(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient, float* scratch)");
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
            writer.Line("ReadOnlySpan<int> starts = " + p + "ConnectionStarts;");
            writer.Line("ReadOnlySpan<int> inputs = " + p + "ConnectionInputs;");
            writer.Line("bool wantsInputGradient = " + (inputGradientOptional ? "inputGradient != null;" : "true;"));
            writer.Open("if (wantsInputGradient)");
            writer.Line("new Span<float>(inputGradient, " + p + "InputChannels * " + p + "InputHeight * " + p + "InputWidth).Clear();");
            writer.Close();
            writer.Line();
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputGradient + (o * " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Line("biasGradients[o] += Sum(map, " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Open("for (int connection = starts[o]; connection < starts[o + 1]; connection++)");
            writer.Line("float* plane = input + (inputs[connection] * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("float* kernelGradient = weightGradients + (connection * " + p + "Kernel * " + p + "Kernel);");
            writer.Line("// the kernel's gradient: each tap correlates the output gradient with the input it reached");
            EmitTapLoops(writer, layer, "float tapGradient = 0.0f;", "map", "plane", (outRow, inRow, length) =>
                layer.Spec.Stride == 1
                    ? "tapGradient += Dot(" + outRow + ", " + inRow + ", " + length + ");"
                    : null,
                "tapGradient += map[(oy * " + p + "OutputWidth) + ox] * plane[(iy * " + p + "InputWidth) + ix];",
                "kernelGradient[(ky * " + p + "Kernel) + kx] += tapGradient;");
            writer.Line();
            writer.Open("if (wantsInputGradient)");
            writer.Line("float* kernel = weights + (connection * " + p + "Kernel * " + p + "Kernel);");
            writer.Line("float* gradientPlane = inputGradient + (inputs[connection] * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("// the input's gradient: each tap sends the output gradient back to the inputs it reached");
            EmitTapLoops(writer, layer, "float tap = kernel[(ky * " + p + "Kernel) + kx];", "map", "gradientPlane", (outRow, inRow, length) =>
                layer.Spec.Stride == 1
                    ? "Axpy(tap, " + outRow + ", " + inRow + ", " + length + ");"
                    : null,
                "gradientPlane[(iy * " + p + "InputWidth) + ix] += tap * map[(oy * " + p + "OutputWidth) + ox];");
            writer.Close();

            writer.Close();
            writer.Close();
            writer.Close();
        }

        /// <summary>
        /// Loops over the taps (ky, kx) and the output rows and columns each tap reaches. With stride 1 a reached row is
        /// contiguous in both planes and <paramref name="rowStatement"/> handles it whole; otherwise element by element.
        /// </summary>
        private static void EmitTapLoops(
            CodeWriter writer,
            LayerModel layer,
            string tapSetup,
            string outputPlane,
            string inputPlane,
            Func<string, string, string, string?> rowStatement,
            string elementStatement,
            string? afterTap = null)
        {
            string p = layer.Identifier;
            writer.Open("for (int ky = 0; ky < " + p + "Kernel; ky++)");
            writer.Line("int firstRow = " + p + "TapFirstRow[ky];");
            writer.Line("int rowEnd = " + p + "TapRowEnd[ky];");
            writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
            writer.Line("int firstColumn = " + p + "TapFirstColumn[kx];");
            writer.Line("int columnEnd = " + p + "TapColumnEnd[kx];");
            writer.Line(tapSetup);
            writer.Open("for (int oy = firstRow; oy < rowEnd; oy++)");
            writer.Line("int iy = (oy * " + p + "Stride) + ky - " + p + "Padding;");
            string? row = rowStatement(
                outputPlane + " + (oy * " + p + "OutputWidth) + firstColumn",
                inputPlane + " + (iy * " + p + "InputWidth) + firstColumn + kx - " + p + "Padding",
                "columnEnd - firstColumn");
            if (row != null)
            {
                writer.Line(row);
            }
            else
            {
                writer.Open("for (int ox = firstColumn; ox < columnEnd; ox++)");
                writer.Line("int ix = (ox * " + p + "Stride) + kx - " + p + "Padding;");
                writer.Line(elementStatement);
                writer.Close();
            }

            writer.Close();
            if (afterTap != null)
            {
                writer.Line();
                writer.Line(afterTap);
            }

            writer.Close();
            writer.Close();
        }
    }
}
