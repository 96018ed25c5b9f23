namespace LeNet5.Generator
{
    /// <summary>The blocked weight gradient (wide maps) and the loop nest every vector weight gradient shares.</summary>
    internal sealed partial class Conv2dEmitter
    {
        /// <summary>
        /// d weight[o, i, ky, kx] = sum over y, x of d output[o, y, x] * input[i, y + ky, x + kx]: for each kernel row,
        /// one vector accumulator per kx, reduced once at the end.
        /// </summary>
        private static void EmitBlockedWeightGradient(CodeWriter writer, LayerModel layer, ConvPlan plan)
        {
            string p = layer.Identifier;
            VectorWidth w = plan.Width;
            int tail = layer.Output.Width % w.Lanes;
            if (tail != 0)
            {
                writer.Line("// the last vector of a row overlaps the one before: count only its last " + tail + " columns");
                writer.Line(w.Type + " tailMask = " + w.LaneMask(w.Lanes - tail) + ";");
                writer.Line();
            }

            EmitWeightGradientLoops(writer, layer, plan, "float* plane = input + (i * " + MapSize(p, "Input") + ");", filters => EmitBlockedWeightGradientTaps(writer, layer, w, filters));
        }

        /// <summary>The taps of <see cref="EmitBlockedWeightGradient"/> for the filters at hand, kernel row by kernel row.</summary>
        private static void EmitBlockedWeightGradientTaps(CodeWriter writer, LayerModel layer, VectorWidth w, int filters)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            int width = layer.Output.Width;
            int lanes = w.Lanes;
            int tail = width % lanes;
            using (writer.Block("for (int ky = 0; ky < " + p + "Kernel; ky++)"))
            {
                for (int f = 0; f < filters; f++)
                {
                    for (int kx = 0; kx < kernel; kx++)
                    {
                        writer.Line(w.Type + " tap" + f + kx + " = " + w.Zero + ";");
                    }
                }

                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                {
                    for (int f = 0; f < filters; f++)
                    {
                        writer.Line("float* gradientRow" + f + " = map" + f + " + (y * " + p + "OutputWidth);");
                    }

                    writer.Line("float* inputRow = plane + ((y + ky) * " + p + "InputWidth);");
                    if (width >= 2 * lanes)
                    {
                        using (writer.Block("for (int x = 0; x <= " + p + "OutputWidth - " + lanes + "; x += " + lanes + ")"))
                        {
                            EmitTapUpdates(writer, w, kernel, filters, "x", f => w.Load("gradientRow" + f + " + x"));
                        }
                    }
                    else
                    {
                        writer.Line("// columns 0 to " + (lanes - 1));
                        using (writer.Block())
                        {
                            EmitTapUpdates(writer, w, kernel, filters, null, f => w.Load("gradientRow" + f));
                        }
                    }

                    if (tail != 0)
                    {
                        writer.Line();
                        writer.Line("// columns " + (width - lanes) + " to " + (width - 1) + ", of which the first " + (lanes - tail) + " were counted above");
                        using (writer.Block())
                        {
                            string last = "(" + p + "OutputWidth - " + lanes + ")";
                            EmitTapUpdates(writer, w, kernel, filters, last, f => w.Load("gradientRow" + f + " + " + last) + " & tailMask");
                        }
                    }
                }

                writer.Line();
                for (int f = 0; f < filters; f++)
                {
                    for (int kx = 0; kx < kernel; kx++)
                    {
                        writer.Line("kernelGradient" + f + "[(ky * " + p + "Kernel)" + (kx == 0 ? string.Empty : " + " + kx) + "] += " + w.Sum("tap" + f + kx) + ";");
                    }
                }
            }
        }

        /// <summary>
        /// The loop nest of the vector weight gradients: the bias gradients, then for every input map i the filters that
        /// read it, two at a time (the kernel small enough to keep 2k accumulators) so that each input load feeds both,
        /// and the one left over alone. <paramref name="taps"/> writes the work for the filters at hand, whose output
        /// gradients are map0, map1 and kernel gradients kernelGradient0, kernelGradient1.
        /// </summary>
        private static void EmitWeightGradientLoops(CodeWriter writer, LayerModel layer, ConvPlan plan, string? perInputMap, System.Action<int> taps)
        {
            string p = layer.Identifier;
            bool paired = plan.PairsWeightGradientFilters;
            using (writer.Block("for (int o = 0; o < " + p + "Filters; o++)"))
            {
                writer.Line("biasGradients[o] += Sum(outputGradient + (o * " + MapSize(p, "Output") + "), " + MapSize(p, "Output") + ");");
            }

            writer.Line();
            using (writer.Block("for (int i = 0; i < " + p + "InputChannels; i++)"))
            {
                if (perInputMap != null)
                {
                    writer.Line(perInputMap);
                }

                if (!paired)
                {
                    using (ConvConnections.FilterLoop(writer, layer))
                    {
                        EmitFilterPointers(writer, layer, 1, f => "o", f => "connection");
                        taps(1);
                    }
                }
                else
                {
                    using (ConvConnections.FilterPairLoop(writer, layer))
                    {
                        EmitFilterPointers(writer, layer, 2, f => "o" + f, f => "connection" + f);
                        taps(2);
                    }

                    if (ConvConnections.HasLeftoverFilter(layer))
                    {
                        using (ConvConnections.LeftoverFilter(writer, layer))
                        {
                            EmitFilterPointers(writer, layer, 1, f => "o0", f => "connection0");
                            taps(1);
                        }
                    }
                }
            }
        }

        /// <summary>map0, kernelGradient0 (and map1, kernelGradient1): the output gradient and kernel gradient of each filter at hand.</summary>
        private static void EmitFilterPointers(CodeWriter writer, LayerModel layer, int filters, System.Func<int, string> filter, System.Func<int, string> connection)
        {
            string p = layer.Identifier;
            for (int f = 0; f < filters; f++)
            {
                writer.Line("float* map" + f + " = outputGradient + (" + filter(f) + " * " + MapSize(p, "Output") + ");");
                writer.Line("float* kernelGradient" + f + " = weightGradients + " + ConvConnections.KernelOffset(layer, filter(f), connection(f)) + ";");
            }
        }

        private static void EmitTapUpdates(CodeWriter writer, VectorWidth w, int kernel, int filters, string? column, System.Func<int, string> gradient)
        {
            for (int f = 0; f < filters; f++)
            {
                writer.Line(w.Type + " gradient" + f + " = " + gradient(f) + ";");
            }

            for (int kx = 0; kx < kernel; kx++)
            {
                string offset = (column == null ? string.Empty : " + " + column) + (kx == 0 ? string.Empty : " + " + kx);
                writer.Line((kx == 0 ? w.Type + " " : string.Empty) + "source = " + w.Load("inputRow" + offset) + ";");
                for (int f = 0; f < filters; f++)
                {
                    writer.Line("tap" + f + kx + " = MultiplyAdd(gradient" + f + ", source, tap" + f + kx + ");");
                }
            }
        }
    }
}
