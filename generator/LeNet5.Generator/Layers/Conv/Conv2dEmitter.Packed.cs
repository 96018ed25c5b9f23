namespace LeNet5.Generator
{
    /// <summary>The paths for narrow maps: packed forward, packed weight gradient, scattered input gradient.</summary>
    internal sealed partial class Conv2dEmitter
    {
        /// <summary>Fills scratch with packed[i, kx]: the input rows shifted left by kx and cut to the output width.</summary>
        private static void EmitPacking(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// packed[i, kx] holds input rows shifted left by kx and cut to the output width: tap (ky, kx) reads");
            writer.Line("// the contiguous run packed[i, kx][ky * OutputWidth ..] as long as an output map");
            using (writer.Block("for (int i = 0; i < " + p + "InputChannels; i++)"))
            using (writer.Block("for (int kx = 0; kx < " + p + "Kernel; kx++)"))
            using (writer.Block("for (int row = 0; row < " + p + "InputHeight; row++)"))
            {
                writer.Line("float* source = input + (((i * " + p + "InputHeight) + row) * " + p + "InputWidth) + kx;");
                writer.Line("float* target = scratch + (((i * " + p + "Kernel) + kx) * packedPlane) + (row * " + p + "OutputWidth);");
                writer.Line("new ReadOnlySpan<float>(source, " + p + "OutputWidth).CopyTo(new Span<float>(target, " + p + "OutputWidth));");
            }

            writer.Line();
        }

        /// <summary>
        /// Forward on packed windows: each output map is one run of vectors (the last may overlap the one before),
        /// computed in chunks over every input channel it reads and every tap, as many accumulators as leave registers for
        /// the broadcast weight (at most 14 of the 16). With an even filter count and no connection table, two filters go
        /// together (at most 2 x 6 accumulators, two weights and the shared input vector): each packed vector loaded then
        /// feeds both, which halves the loads; every output still adds its taps in the same order (i, kx, ky).
        /// </summary>
        private static void EmitPackedForward(CodeWriter writer, LayerModel layer, ConvPlan plan)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            VectorWidth w = plan.Width;
            int filters = plan.PairsForwardFilters ? 2 : 1;
            int[] starts = ConvPlan.VectorStarts(layer.Output.Height * layer.Output.Width, w.Lanes);
            int most = filters == 1 ? 14 : 6;
            int chunks = (starts.Length + most - 1) / most;
            using (writer.Block("for (int o = 0; o < " + p + "Filters; o" + (filters == 1 ? "++" : " += " + filters) + ")"))
            {
                if (filters == 1)
                {
                    writer.Line("float* map = output + (o * " + MapSize(p, "Output") + ");");
                    writer.Line(w.Type + " initial = " + w.Create("biases[o]") + ";");
                }
                else
                {
                    writer.Line("// filters o and o + 1 together");
                    for (int f = 0; f < filters; f++)
                    {
                        string o = f == 0 ? "o" : "(o + " + f + ")";
                        writer.Line("float* map" + f + " = output + (" + o + " * " + MapSize(p, "Output") + ");");
                        writer.Line(w.Type + " initial" + f + " = " + w.Create("biases[" + (f == 0 ? "o" : "o + " + f) + "]") + ";");
                    }
                }

                string F(string name, int f) => filters == 1 ? name : name + f;
                string Sum(int f, int v) => filters == 1 ? "sum" + v : "sum" + f + v;
                int first = 0;
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    // chunk sizes differ by at most one, the larger ones first
                    int count = (starts.Length / chunks) + (chunk < starts.Length % chunks ? 1 : 0);
                    writer.Line();
                    writer.Line("// elements " + starts[first] + " to " + (starts[first + count - 1] + w.Lanes - 1) + " in "
                        + (filters == 1 ? count + " accumulators" : filters + " x " + count + " accumulators"));
                    using (writer.Block())
                    {
                        for (int f = 0; f < filters; f++)
                        {
                            for (int v = 0; v < count; v++)
                            {
                                writer.Line(w.Type + " " + Sum(f, v) + " = " + F("initial", f) + ";");
                            }
                        }

                        using (ConvConnections.InputMapLoop(writer, layer))
                        using (writer.Block("for (int kx = 0; kx < " + p + "Kernel; kx++)"))
                        {
                            writer.Line("float* source = scratch + (((i * " + p + "Kernel) + kx) * packedPlane);");
                            for (int f = 0; f < filters; f++)
                            {
                                writer.Line("float* " + F("taps", f) + " = weights + " + ConvConnections.KernelOffset(layer, f == 0 ? "o" : "(o + " + f + ")") + " + kx;");
                            }

                            bool unrolled = kernel <= MaxUnrolledKernel;
                            using (writer.BlockIf(!unrolled, "for (int ky = 0; ky < " + p + "Kernel; ky++)"))
                            {

                                for (int ky = 0; ky < (unrolled ? kernel : 1); ky++)
                                {
                                    if (unrolled && ky > 0)
                                    {
                                        writer.Line();
                                    }

                                    string tap = unrolled ? (ky == 0 ? "[0]" : "[" + ky + " * " + p + "Kernel]") : "[ky * " + p + "Kernel]";
                                    string row = unrolled ? (ky == 0 ? "source" : "source + (" + ky + " * " + p + "OutputWidth)") : "source + (ky * " + p + "OutputWidth)";
                                    for (int f = 0; f < filters; f++)
                                    {
                                        writer.Line((unrolled && ky > 0 ? string.Empty : w.Type + " ") + F("weight", f) + " = " + w.Create(F("taps", f) + tap) + ";");
                                    }

                                    if (!(unrolled && ky == 0))
                                    {
                                        writer.Line((unrolled && ky > 1 ? string.Empty : "float* ") + "window = " + row + ";");
                                    }

                                    string window = unrolled && ky == 0 ? "source" : "window";
                                    for (int v = 0; v < count; v++)
                                    {
                                        int start = starts[first + v];
                                        string load = w.Load(window + (start == 0 ? string.Empty : " + " + start));
                                        if (filters == 1)
                                        {
                                            writer.Line("sum" + v + " = MultiplyAdd(weight, " + load + ", sum" + v + ");");
                                        }
                                        else
                                        {
                                            writer.Line((ky == 0 && v == 0 ? w.Type + " " : string.Empty) + "x = " + load + ";");
                                            for (int f = 0; f < filters; f++)
                                            {
                                                writer.Line(Sum(f, v) + " = MultiplyAdd(weight" + f + ", x, " + Sum(f, v) + ");");
                                            }
                                        }
                                    }
                                }
                            }
                        }

                        writer.Line();
                        for (int f = 0; f < filters; f++)
                        {
                            for (int v = 0; v < count; v++)
                            {
                                int start = starts[first + v];
                                writer.Line(w.Store(Sum(f, v), F("map", f) + (start == 0 ? string.Empty : " + " + start)));
                            }
                        }
                    }

                    first += count;
                }

                if (layer.Spec.Activation != ActivationKind.None)
                {
                    writer.Line();
                    for (int f = 0; f < filters; f++)
                    {
                        ActivationEmitter.EmitForward(writer, layer.Spec.Activation, F("map", f), MapSize(p, "Output"));
                    }
                }
            }
        }

        /// <summary>
        /// d weight[o, i, ky, kx] = sum over m of d output[o, m] * packed[i, kx][ky * width + m]: every input row is copied
        /// shifted by kx and cut to the output width, so the window of each tap is one contiguous run as long as the
        /// output map, and a dot product over whole vectors (the last one masked) covers it.
        /// </summary>
        private static void EmitPackedWeightGradient(CodeWriter writer, LayerModel layer, ConvPlan plan)
        {
            string p = layer.Identifier;
            VectorWidth w = plan.Width;
            int tail = layer.Output.Height * layer.Output.Width % w.Lanes;
            writer.Line("const int packedPlane = " + p + "InputHeight * " + p + "OutputWidth;");
            EmitPacking(writer, layer);
            if (tail != 0)
            {
                writer.Line("// the last vector overlaps the one before: count only its last " + tail + " elements");
                writer.Line(w.Type + " tailMask = " + w.LaneMask(w.Lanes - tail) + ";");
                writer.Line();
            }

            EmitWeightGradientLoops(writer, layer, plan, null, filters => EmitPackedWeightGradientTaps(writer, layer, w, filters));
        }

        /// <summary>The taps of <see cref="EmitPackedWeightGradient"/> for the filters at hand, kernel column by kernel column.</summary>
        private static void EmitPackedWeightGradientTaps(CodeWriter writer, LayerModel layer, VectorWidth w, int filters)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            int tail = layer.Output.Height * layer.Output.Width % w.Lanes;
            using (writer.Block("for (int kx = 0; kx < " + p + "Kernel; kx++)"))
            {
                writer.Line("float* packed = scratch + (((i * " + p + "Kernel) + kx) * packedPlane);");
                for (int f = 0; f < filters; f++)
                {
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        writer.Line(w.Type + " tap" + f + ky + " = " + w.Zero + ";");
                    }
                }

                using (writer.Block("for (int m = 0; m <= " + MapSize(p, "Output") + " - " + w.Lanes + "; m += " + w.Lanes + ")"))
                {
                    EmitPackedTapUpdates(writer, p, w, kernel, filters, "m", f => w.Load("map" + f + " + m"));
                }

                if (tail != 0)
                {
                    writer.Line();
                    using (writer.Block())
                    {
                        string last = "(" + MapSize(p, "Output") + " - " + w.Lanes + ")";
                        EmitPackedTapUpdates(writer, p, w, kernel, filters, last, f => w.Load("map" + f + " + " + last) + " & tailMask");
                    }
                }

                writer.Line();
                for (int f = 0; f < filters; f++)
                {
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        writer.Line("kernelGradient" + f + "[" + (ky == 0 ? string.Empty : "(" + ky + " * " + p + "Kernel) + ") + "kx] += " + w.Sum("tap" + f + ky) + ";");
                    }
                }
            }
        }

        private static void EmitPackedTapUpdates(CodeWriter writer, string p, VectorWidth w, int kernel, int filters, string position, System.Func<int, string> gradient)
        {
            for (int f = 0; f < filters; f++)
            {
                writer.Line(w.Type + " gradient" + f + " = " + gradient(f) + ";");
            }

            for (int ky = 0; ky < kernel; ky++)
            {
                string offset = ky == 0 ? string.Empty : "(" + ky + " * " + p + "OutputWidth) + ";
                writer.Line((ky == 0 ? w.Type + " " : string.Empty) + "source = " + w.Load("packed + " + offset + position) + ";");
                for (int f = 0; f < filters; f++)
                {
                    writer.Line("tap" + f + ky + " = MultiplyAdd(gradient" + f + ", source, tap" + f + ky + ");");
                }
            }
        }

        /// <summary>
        /// d input[i, ky * W + q] += sum over o, kx of weight[o, i, ky, kx] * spread[o, q - kx], where spread[o] holds the
        /// output-gradient rows at the input's row stride W (columns OutputWidth.. zero, kernel - 1 zeros in front): for
        /// each input channel and kernel row, one contiguous run of OutputHeight * W input-gradient elements receives every
        /// filter's and kx's contribution, accumulated in registers. Only the zero columns between rows are multiplied in
        /// vain (OutputWidth of every InputWidth lanes count), not a zero border around the whole map.
        /// </summary>
        private static void EmitScatteredInputGradient(CodeWriter writer, LayerModel layer, ConvPlan plan)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            VectorWidth w = plan.Width;
            int lanes = w.Lanes;
            int length = layer.Output.Height * layer.Input.Width;
            int vectors = (length + lanes - 1) / lanes;
            int chunks = (vectors + 11) / 12;
            int perChunk = (vectors + chunks - 1) / chunks;
            writer.Line("// the input gradient scatters the output gradient, its rows spread to the input's row stride (the extra columns");
            writer.Line("// zero, Kernel - 1 zeros in front): input-gradient rows ky.. receive one contiguous run per input channel and ky");
            writer.Line("const int spreadPlane = " + CodeWriter.Int(plan.SpreadPlane) + ";");
            writer.Line("new Span<float>(scratch, " + p + "Filters * spreadPlane).Clear();");
            using (writer.Block("for (int o = 0; o < " + p + "Filters; o++)"))
            using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
            {
                writer.Line("float* source = outputGradient + (((o * " + p + "OutputHeight) + y) * " + p + "OutputWidth);");
                writer.Line("float* target = scratch + (o * spreadPlane) + (" + p + "Kernel - 1) + (y * " + p + "InputWidth);");
                writer.Line("new ReadOnlySpan<float>(source, " + p + "OutputWidth).CopyTo(new Span<float>(target, " + p + "OutputWidth));");
            }

            writer.Line();
            writer.Line("new Span<float>(inputGradient, " + p + "InputChannels * " + MapSize(p, "Input") + ").Clear();");
            using (writer.Block("for (int i = 0; i < " + p + "InputChannels; i++)"))
            using (writer.Block("for (int ky = 0; ky < " + p + "Kernel; ky++)"))
            {
                writer.Line("float* target = inputGradient + (i * " + MapSize(p, "Input") + ") + (ky * " + p + "InputWidth);");
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    int first = chunk * perChunk;
                    int count = System.Math.Min(perChunk, vectors - first);
                    int end = System.Math.Min(length, (first + count) * lanes) - 1;
                    writer.Line();
                    writer.Line("// elements " + (first * lanes) + " to " + end + " in " + count + " accumulators");
                    using (writer.Block())
                    {
                        for (int v = 0; v < count; v++)
                        {
                            writer.Line(w.Type + " sum" + v + " = " + w.Zero + ";");
                        }

                        using (ConvConnections.FilterLoop(writer, layer))
                        {
                            writer.Line("float* spread = scratch + (o * spreadPlane) + (" + p + "Kernel - 1);");
                            writer.Line("float* taps = weights + " + ConvConnections.KernelOffset(layer) + " + (ky * " + p + "Kernel);");
                            using (writer.Block("for (int kx = 0; kx < " + p + "Kernel; kx++)"))
                            {
                                writer.Line(w.Type + " weight = " + w.Create("taps[kx]") + ";");
                                writer.Line("float* source = spread - kx;");
                                for (int v = 0; v < count; v++)
                                {
                                    int start = (first + v) * lanes;
                                    writer.Line("sum" + v + " = MultiplyAdd(weight, " + w.Load("source" + (start == 0 ? string.Empty : " + " + start)) + ", sum" + v + ");");
                                }
                            }
                        }

                        writer.Line();
                        for (int v = 0; v < count; v++)
                        {
                            int start = (first + v) * lanes;
                            if (start + lanes <= length)
                            {
                                string at = start == 0 ? "target" : "target + " + start;
                                writer.Line(w.Store(w.Load(at) + " + sum" + v, at));
                            }
                            else
                            {
                                writer.Line("// the run ends with the last output row: only the first " + (length - start) + " lanes land in the map");
                                for (int lane = 0; lane < length - start; lane++)
                                {
                                    writer.Line("target[" + (start + lane) + "] += sum" + v + ".GetElement(" + lane + ");");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
