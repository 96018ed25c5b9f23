namespace LeNet5.Generator
{
    /// <summary>The blocked correlation behind the blocked forward pass and the padded input gradient.</summary>
    internal sealed partial class Conv2dEmitter
    {
        /// <summary>
        /// The operands of <see cref="EmitBlockedCorrelation"/>. <see cref="IsInputGradient"/>: the targets are the input
        /// maps i, the sources the filters' bordered output gradients o, and the kernels are read flipped; otherwise the
        /// targets are the filters' output maps o and the sources the input maps i.
        /// </summary>
        private sealed record Correlation(
            VectorWidth Width,
            string Target,
            string TargetChannels,
            int TargetHeight,
            int TargetWidth,
            string TargetHeightName,
            string TargetWidthName,
            string Source,
            string SourcePlaneSize,
            string SourceWidthName,
            bool IsInputGradient,
            int RowsPerBlock,
            CorrelationStart Initial,
            bool Paired = false,
            string? NextKernel = null);

        /// <summary>What a correlation's accumulators start from.</summary>
        private enum CorrelationStart
        {
            /// <summary>Zero (an input gradient).</summary>
            Zero,

            /// <summary>The target map's bias (a forward pass).</summary>
            Biases,
        }

        /// <summary>
        /// A valid, stride-1 correlation target[o] = initial + sum over the input maps i that filter o reads of
        /// source[i] (*) kernel(o, i) (or, for <see cref="Correlation.IsInputGradient"/>, target[i] = sum over the filters o
        /// that read i), computing a block of output rows at once in up to 12 vector accumulators; the last vector of a row
        /// may overlap the one before (it recomputes the same values, so storing both is harmless).
        /// <see cref="Correlation.Paired"/> computes two target maps (o and o + 1) together, so that every source vector
        /// loaded feeds both; each target element still adds its taps in the same order (i, ky, kx).
        /// </summary>
        private static void EmitBlockedCorrelation(CodeWriter writer, LayerModel layer, Correlation c, System.Action<string>? afterMap)
        {
            string p = layer.Identifier;
            VectorWidth w = c.Width;
            int[] starts = ConvPlan.VectorStarts(c.TargetWidth, w.Lanes);
            int maps = c.Paired ? 2 : 1;
            int rows = c.RowsPerBlock;
            string t = c.IsInputGradient ? "i" : "o";
            bool vectorInitial = c.Initial == CorrelationStart.Biases;
            using (writer.Block("for (int " + t + " = 0; " + t + " < " + c.TargetChannels + "; " + t + (c.Paired ? " += 2" : "++") + ")"))
            {
                if (c.Paired)
                {
                    writer.Line("// maps " + t + " and " + t + " + 1 together");
                    writer.Line("float* map0 = " + c.Target + " + (" + t + " * " + c.TargetHeightName + " * " + c.TargetWidthName + ");");
                    writer.Line("float* map1 = map0 + (" + c.TargetHeightName + " * " + c.TargetWidthName + ");");
                    writer.Line(w.Type + " initial0 = " + w.Create("biases[" + t + "]") + ";");
                    writer.Line(w.Type + " initial1 = " + w.Create("biases[" + t + " + 1]") + ";");
                }
                else
                {
                    writer.Line("float* map = " + c.Target + " + (" + t + " * " + c.TargetHeightName + " * " + c.TargetWidthName + ");");
                    if (vectorInitial)
                    {
                        writer.Line(w.Type + " initial = " + w.Create("biases[" + t + "]") + ";");
                    }
                }

                string initial = vectorInitial ? "initial" : w.Zero;
                int tail = c.TargetHeight % rows;
                using (writer.Block("for (int y = 0; y < " + c.TargetHeightName + (tail == 0 ? string.Empty : " - " + tail) + "; " + (rows == 1 ? "y++" : "y += " + rows) + ")"))
                {
                    EmitRowBlock(writer, layer, c, starts, rows, initial);
                }

                if (tail != 0)
                {
                    writer.Line();
                    using (writer.Block())
                    {
                        writer.Line("int y = " + c.TargetHeightName + " - " + tail + ";");
                        EmitRowBlock(writer, layer, c, starts, tail, initial);
                    }
                }

                if (afterMap != null && layer.Spec.Activation != ActivationKind.None)
                {
                    writer.Line();
                    if (c.Paired)
                    {
                        afterMap("map0");
                        afterMap("map1");
                    }
                    else
                    {
                        afterMap("map");
                    }
                }
            }
        }

        /// <summary>
        /// One block of <paramref name="rows"/> output rows starting at y, in rows x starts.Length accumulators per map
        /// (sum[row][vector], or sum[map][row][vector] for paired maps).
        /// </summary>
        private static void EmitRowBlock(CodeWriter writer, LayerModel layer, Correlation c, int[] starts, int rows, string initial)
        {
            string p = layer.Identifier;
            VectorWidth w = c.Width;
            string u = c.IsInputGradient ? "o" : "i";
            int maps = c.Paired ? 2 : 1;
            string Sum(int m, int r, int v) => c.Paired ? "sum" + m + r + v : "sum" + r + v;
            string Name(string name, int m) => c.Paired ? name + m : name;
            writer.Line("// " + rows + (rows == 1 ? " row" : " rows") + " of " + c.TargetWidth + " columns, in "
                + (c.Paired ? "2 x " : string.Empty) + (rows * starts.Length) + " accumulators");
            for (int m = 0; m < maps; m++)
            {
                for (int r = 0; r < rows; r++)
                {
                    for (int v = 0; v < starts.Length; v++)
                    {
                        writer.Line(w.Type + " " + Sum(m, r, v) + " = " + Name(initial, m) + ";");
                    }
                }
            }

            string kyStart = "0";
            string kyEnd = p + "Kernel";
            if (c.IsInputGradient)
            {
                // the source has Kernel - 1 zero rows above and below: skip kernel rows that only meet zeros
                kyStart = "kyStart";
                kyEnd = "kyEnd";
                writer.Line("int kyStart = Math.Max(0, border - y - " + (rows - 1) + ");");
                writer.Line("int kyEnd = Math.Min(" + p + "Kernel, border + " + p + "OutputHeight - y);");
            }

            using (ConvConnections.SourceLoop(writer, layer, c.IsInputGradient))
            {

                writer.Line("float* " + Name("kernel", 0) + " = weights + " + ConvConnections.KernelOffset(layer) + ";");
                if (c.Paired)
                {
                    writer.Line("float* kernel1 = " + c.NextKernel + ";");
                }

                writer.Line("float* rows = " + c.Source + " + (" + u + " * " + c.SourcePlaneSize + ") + (y * " + c.SourceWidthName + ");");
                using (writer.Block("for (int ky = " + kyStart + "; ky < " + kyEnd + "; ky++)"))
                {
                    writer.Line("float* row0 = rows + (ky * " + c.SourceWidthName + ");");
                    for (int r = 1; r < rows; r++)
                    {
                        writer.Line("float* row" + r + " = row" + (r - 1) + " + " + c.SourceWidthName + ";");
                    }

                    int kernel = layer.Spec.Kernel;
                    bool unrolled = kernel <= MaxUnrolledKernel;
                    for (int m = 0; m < maps; m++)
                    {
                        writer.Line(c.IsInputGradient
                            ? "float* taps = kernel + ((" + p + "Kernel - 1 - ky) * " + p + "Kernel); // kernel rows in reverse, read right to left"
                            : "float* " + Name("taps", m) + " = " + Name("kernel", m) + " + (ky * " + p + "Kernel);");
                    }

                    using (writer.BlockIf(!unrolled, "for (int kx = 0; kx < " + p + "Kernel; kx++)"))
                    {

                        for (int kx = 0; kx < (unrolled ? kernel : 1); kx++)
                        {
                            string column = unrolled ? CodeWriter.Int(kx) : "kx";
                            if (unrolled && kx > 0)
                            {
                                writer.Line();
                            }

                            string index = c.IsInputGradient
                                ? (unrolled ? CodeWriter.Int(kernel - 1 - kx) : p + "Kernel - 1 - kx")
                                : column;
                            for (int m = 0; m < maps; m++)
                            {
                                writer.Line((unrolled && kx > 0 ? string.Empty : w.Type + " ") + Name("weight", m) + " = " + w.Create(Name("taps", m) + "[" + index + "]") + ";");
                            }

                            for (int r = 0; r < rows; r++)
                            {
                                for (int v = 0; v < starts.Length; v++)
                                {
                                    string offset = unrolled
                                        ? (kx + starts[v] == 0 ? string.Empty : " + " + (kx + starts[v]))
                                        : (starts[v] == 0 ? " + kx" : " + kx + " + starts[v]);
                                    string load = w.Load("row" + r + offset);
                                    if (!c.Paired)
                                    {
                                        writer.Line("sum" + r + v + " = MultiplyAdd(weight, " + load + ", sum" + r + v + ");");
                                        continue;
                                    }

                                    writer.Line((kx == 0 && r == 0 && v == 0 ? w.Type + " " : string.Empty) + "x = " + load + ";");
                                    for (int m = 0; m < maps; m++)
                                    {
                                        writer.Line(Sum(m, r, v) + " = MultiplyAdd(weight" + m + ", x, " + Sum(m, r, v) + ");");
                                    }
                                }
                            }
                        }
                    }
                }
            }

            writer.Line();
            for (int m = 0; m < maps; m++)
            {
                for (int r = 0; r < rows; r++)
                {
                    string row = r == 0 ? "y" : "(y + " + r + ")";
                    for (int v = 0; v < starts.Length; v++)
                    {
                        string column = starts[v] == 0 ? string.Empty : " + " + starts[v];
                        writer.Line(w.Store(Sum(m, r, v), Name("map", m) + " + (" + row + " * " + c.TargetWidthName + ")" + column));
                    }
                }
            }
        }

        /// <summary>
        /// d input[i, r, c] = sum over o, ky, kx of weight[o, i, ky, kx] * d output[o, r - ky, c - kx]: a plain correlation of
        /// the output gradient, bordered by kernel - 1 zeros, with the flipped kernels, input and output channels swapped.
        /// </summary>
        private static void EmitPaddedInputGradient(CodeWriter writer, LayerModel layer, ConvPlan plan)
        {
            string p = layer.Identifier;
            writer.Line("// the input gradient correlates the output gradient, bordered by Kernel - 1 zeros, with the flipped kernels");
            writer.Line("const int border = " + p + "Kernel - 1;");
            writer.Line("const int paddedHeight = " + p + "OutputHeight + (2 * border);");
            writer.Line("const int paddedWidth = " + p + "OutputWidth + (2 * border);");
            writer.Line("new Span<float>(scratch, " + p + "Filters * paddedHeight * paddedWidth).Clear();");
            using (writer.Block("for (int o = 0; o < " + p + "Filters; o++)"))
            using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
            {
                writer.Line("float* source = outputGradient + (((o * " + p + "OutputHeight) + y) * " + p + "OutputWidth);");
                writer.Line("float* target = scratch + (((o * paddedHeight) + y + border) * paddedWidth) + border;");
                writer.Line("new ReadOnlySpan<float>(source, " + p + "OutputWidth).CopyTo(new Span<float>(target, " + p + "OutputWidth));");
            }

            writer.Line();
            EmitBlockedCorrelation(
                writer,
                layer,
                new Correlation(
                    Width: plan.Width,
                    Target: "inputGradient",
                    TargetChannels: p + "InputChannels",
                    TargetHeight: layer.Input.Height,
                    TargetWidth: layer.Input.Width,
                    TargetHeightName: p + "InputHeight",
                    TargetWidthName: p + "InputWidth",
                    Source: "scratch",
                    SourcePlaneSize: "paddedHeight * paddedWidth",
                    SourceWidthName: "paddedWidth",
                    IsInputGradient: true,
                    RowsPerBlock: plan.InputGradientRowsPerBlock,
                    Initial: CorrelationStart.Zero),
                null);
        }
    }
}
