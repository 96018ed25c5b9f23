using System;

namespace LeNet5.Generator
{
    /// <summary>The conv's portable paths: one kernel tap at a time over output rows, any stride and padding, and the curvature pass.</summary>
    internal sealed partial class Conv2dEmitter
    {
        private delegate string RowStatement(string inputRowOffset, string outputRowOffset, string count);

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

            using (writer.Block("for (int ky = 0; ky < " + p + "Kernel; ky++)"))
            {
                string yStart = "0";
                string yEnd = p + "OutputHeight";
                string xStart = "0";
                string xEnd = outW;
                if (padding > 0)
                {
                    yStart = "yStart";
                    yEnd = "yEnd";
                    writer.Line("// rows y whose input row y * stride + ky - padding lies inside the input");
                    EmitClippedRange(writer, "y", "ky", p + "OutputHeight", p + "InputHeight", pad, s, stride == 1);
                }

                using (writer.Block("for (int kx = 0; kx < " + p + "Kernel; kx++)"))
                {
                    if (padding > 0)
                    {
                        xStart = "xStart";
                        xEnd = "xEnd";
                        EmitClippedRange(writer, "x", "kx", outW, inW, pad, s, stride == 1);
                    }

                    writer.Line(before);
                    using (writer.Block("for (int y = " + yStart + "; y < " + yEnd + "; y++)"))
                    {
                        string inputRow = "((" + Scaled("y", stride, s) + " + ky" + (padding > 0 ? " - " + pad : string.Empty) + ") * " + inW + ")";
                        string outputRow = "(y * " + outW + ")";
                        if (stride == 1)
                        {
                            string inputColumn = padding > 0 ? "(" + xStart + " + kx - " + pad + ")" : "kx";
                            string outputColumn = padding > 0 ? " + " + xStart : string.Empty;
                            string count = padding > 0 ? xEnd + " - " + xStart : outW;
                            writer.Line(row(inputRow + " + " + inputColumn, outputRow + outputColumn, count));
                        }
                        else
                        {
                            using (writer.Block("for (int x = " + xStart + "; x < " + xEnd + "; x++)"))
                            {
                                string inputIndex = inputRow + " + (x * " + s + ") + kx" + (padding > 0 ? " - " + pad : string.Empty);
                                writer.Line(element(inputIndex, outputRow + " + x"));
                            }
                        }
                    }

                    if (after != null)
                    {
                        writer.Line();
                        writer.Line(after);
                    }
                }
            }
        }

        /// <summary>
        /// The outputs [start, end) along one axis whose input coordinate, output * stride + tap - padding, lies inside the
        /// input: the clipping that lets a padded conv skip the zeros instead of copying the input into a padded buffer.
        /// </summary>
        private static void EmitClippedRange(CodeWriter writer, string axis, string tap, string outputs, string inputs, string pad, string stride, bool unitStride)
        {
            writer.Line(unitStride
                ? "int " + axis + "Start = Math.Max(0, " + pad + " - " + tap + ");"
                : "int " + axis + "Start = " + tap + " < " + pad + " ? (" + pad + " - " + tap + " + " + stride + " - 1) / " + stride + " : 0;");
            writer.Line(unitStride
                ? "int " + axis + "End = Math.Min(" + outputs + ", " + inputs + " + " + pad + " - " + tap + ");"
                : "int " + axis + "End = Math.Min(" + outputs + ", (" + inputs + " + " + pad + " - " + tap + " + " + stride + " - 1) / " + stride + ");");
        }

        private static string Scaled(string variable, int stride, string strideName) => stride == 1 ? variable : "(" + variable + " * " + strideName + ")";

        /// <summary>The portable forward pass: each output map starts from its bias and adds one kernel tap at a time.</summary>
        private static void EmitPortableForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            EmitFilterTapLoops(
                writer,
                layer,
                new[] { "float* map = output + (o * " + MapSize(p, "Output") + ");", "new Span<float>(map, " + MapSize(p, "Output") + ").Fill(biases[o]);" },
                new[] { "float* plane = input + (i * " + MapSize(p, "Input") + ");", "float* kernel = weights + " + ConvConnections.KernelOffset(layer) + ";" },
                "float weight = kernel[(ky * " + p + "Kernel) + kx];",
                null,
                (rowIn, rowOut, count) => "Axpy(weight, plane + " + rowIn + ", map + " + rowOut + ", " + count + ");",
                (inIndex, outIndex) => "map[" + outIndex + "] += weight * plane[" + inIndex + "];",
                afterInputMaps: layer.Spec.Activation == ActivationKind.None ? null : () =>
                {
                    writer.Line();
                    ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "map", MapSize(p, "Output"));
                });
        }

        private static void EmitWeightGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            EmitFilterTapLoops(
                writer,
                layer,
                new[] { "float* map = outputGradient + (o * " + MapSize(p, "Output") + ");", "biasGradients[o] += Sum(map, " + MapSize(p, "Output") + ");" },
                new[] { "float* plane = input + (i * " + MapSize(p, "Input") + ");", "float* kernelGradient = weightGradients + " + ConvConnections.KernelOffset(layer) + ";" },
                "float sum = 0.0f;",
                "kernelGradient[(ky * " + p + "Kernel) + kx] += sum;",
                (rowIn, rowOut, count) => "sum += Dot(map + " + rowOut + ", plane + " + rowIn + ", " + count + ");",
                (inIndex, outIndex) => "sum += map[" + outIndex + "] * plane[" + inIndex + "];");
        }

        private static void EmitInputGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("new Span<float>(inputGradient, " + p + "InputChannels * " + MapSize(p, "Input") + ").Clear();");
            EmitFilterTapLoops(
                writer,
                layer,
                new[] { "float* map = outputGradient + (o * " + MapSize(p, "Output") + ");" },
                new[] { "float* plane = inputGradient + (i * " + MapSize(p, "Input") + ");", "float* kernel = weights + " + ConvConnections.KernelOffset(layer) + ";" },
                "float weight = kernel[(ky * " + p + "Kernel) + kx];",
                null,
                (rowIn, rowOut, count) => "Axpy(weight, map + " + rowOut + ", plane + " + rowIn + ", " + count + ");",
                (inIndex, outIndex) => "plane[" + inIndex + "] += weight * map[" + outIndex + "];");
        }

        /// <summary>
        /// For every filter o: <paramref name="perFilter"/>; for every input map i it reads: <paramref name="perInputMap"/>
        /// and the tap loops of <see cref="EmitTapLoops"/>; then <paramref name="afterInputMaps"/>.
        /// </summary>
        private static void EmitFilterTapLoops(
            CodeWriter writer,
            LayerModel layer,
            string[] perFilter,
            string[] perInputMap,
            string before,
            string? after,
            RowStatement row,
            ElementStatement element,
            Action? afterInputMaps = null)
        {
            using (writer.Block("for (int o = 0; o < " + layer.Identifier + "Filters; o++)"))
            {
                foreach (string line in perFilter)
                {
                    writer.Line(line);
                }

                using (ConvConnections.InputMapLoop(writer, layer))
                {
                    foreach (string line in perInputMap)
                    {
                        writer.Line(line);
                    }

                    EmitTapLoops(writer, layer, before, after, row, element);
                }

                afterInputMaps?.Invoke();
            }
        }

        /// <summary>Convolutions, with or without a connection table, any stride and padding: a weight sums over every position it is used at.</summary>
        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool sparse = layer.Spec.IsSparse;
            using (CurvatureEmitter.OpenWithParameters(writer, layer, "a convolution: each weight gets x^2 h summed over the positions it is used at, and passes w^2 h back to each"))
            {
                writer.Line("int mapSize = " + p + "OutputHeight * " + p + "OutputWidth;");
                writer.Line("int planeSize = " + p + "InputHeight * " + p + "InputWidth;");
                if (sparse)
                {
                    writer.Line("ReadOnlySpan<int> starts = " + p + "ConnectionStarts;");
                    writer.Line("ReadOnlySpan<int> inputs = " + p + "ConnectionInputs;");
                }

                using (writer.Block("for (int o = 0; o < " + p + "Filters; o++)"))
                {
                    writer.Line("float* map = outputCurvature + (o * mapSize);");
                    writer.Line("biasCurvature[o] += Sum(map, mapSize);");
                    using (writer.Block(sparse ? "for (int k = starts[o]; k < starts[o + 1]; k++)" : "for (int c = 0; c < " + p + "InputChannels; c++)"))
                    {
                        writer.Line(sparse ? "int c = inputs[k];" : "int k = (o * " + p + "InputChannels) + c;");

                        writer.Line("float* plane = input + (c * planeSize);");
                        writer.Line("float* planeCurvature = inputCurvature == null ? null : inputCurvature + (c * planeSize);");
                        using (writer.Block("for (int tap = 0; tap < " + p + "Kernel * " + p + "Kernel; tap++)"))
                        {
                            writer.Line("int ky = tap / " + p + "Kernel;");
                            writer.Line("int kx = tap % " + p + "Kernel;");
                            writer.Line("float weight = weights[(k * " + p + "Kernel * " + p + "Kernel) + tap];");
                            writer.Line("float sum = 0.0f;");
                            using (writer.Block("for (int oy = 0; oy < " + p + "OutputHeight; oy++)"))
                            {
                                writer.Line("int iy = (oy * " + p + "Stride) + ky - " + p + "Padding;");
                                using (writer.Block("if (iy < 0 || iy >= " + p + "InputHeight)"))
                                {
                                    writer.Line("continue;");
                                }

                                writer.Line();
                                using (writer.Block("for (int ox = 0; ox < " + p + "OutputWidth; ox++)"))
                                {
                                    writer.Line("int ix = (ox * " + p + "Stride) + kx - " + p + "Padding;");
                                    using (writer.Block("if (ix < 0 || ix >= " + p + "InputWidth)"))
                                    {
                                        writer.Line("continue;");
                                    }

                                    writer.Line();
                                    writer.Line("float h = map[(oy * " + p + "OutputWidth) + ox];");
                                    writer.Line("float value = plane[(iy * " + p + "InputWidth) + ix];");
                                    writer.Line("sum += value * value * h;");
                                    using (writer.Block("if (planeCurvature != null)"))
                                    {
                                        writer.Line("planeCurvature[(iy * " + p + "InputWidth) + ix] += weight * weight * h;");
                                    }
                                }
                            }

                            writer.Line();
                            writer.Line("weightCurvature[(k * " + p + "Kernel * " + p + "Kernel) + tap] += sum;");
                        }
                    }
                }
            }
        }
    }
}
