using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// conv2d: weights [filters, in, k, k], or [connections, k, k] with a connection table (see <see cref="ConvConnections"/>),
    /// bias [filters]. With stride 1 and no padding, rows of 8 or more columns take register-blocked vector paths (a block
    /// of output rows in 8 to 12 accumulators, the taps of a kernel row unrolled; one accumulator per tap and filter for
    /// the weight gradient; the input gradient as a correlation of the zero-bordered output gradient with the flipped
    /// kernels). Otherwise a general path accumulates one kernel tap at a time over output rows, clipping each tap's row
    /// and column ranges to handle zero padding and strides without a padded copy. Every path visits the pairs of filter
    /// and input map through <see cref="ConvConnections"/>, so a connection table only leaves pairs out.
    /// </summary>
    internal sealed class Conv2dEmitter : LayerEmitter
    {
        public static readonly Conv2dEmitter Instance = new Conv2dEmitter();

        private Conv2dEmitter()
        {
        }

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
        {
            int paddedHeight = input.Height + (2 * layer.Padding);
            int paddedWidth = input.Width + (2 * layer.Padding);
            if (layer.Kernel > paddedHeight || layer.Kernel > paddedWidth)
            {
                report.Add(
                    DiagnosticDescriptors.KernelTooLarge,
                    layer.KernelSpan,
                    layer.Name,
                    ShapeInference.Text(layer.Kernel),
                    ShapeInference.Text(paddedHeight),
                    ShapeInference.Text(paddedWidth));
                return null;
            }

            var output = new Shape(
                layer.Size,
                ((paddedHeight - layer.Kernel) / layer.Stride) + 1,
                ((paddedWidth - layer.Kernel) / layer.Stride) + 1);
            long fanIn = (long)input.Channels * layer.Kernel * layer.Kernel;
            if (!layer.IsSparse)
            {
                return new LayerShape(output, fanIn, layer.Size * fanIn, layer.Size);
            }

            // Packed layout: one k x k kernel per connection, filter by filter, in table order.
            long connections = 0;
            for (int o = 0; o < layer.Connections.Count; o++)
            {
                foreach (int source in layer.Connections[o])
                {
                    if (source >= input.Channels)
                    {
                        report.Add(
                            DiagnosticDescriptors.ConnectionOutOfRange,
                            layer.ConnectionsSpan,
                            layer.Name,
                            ShapeInference.Text(o),
                            ShapeInference.Text(source),
                            ShapeInference.Text(input.Channels),
                            ShapeInference.Text(input.Channels - 1));
                        return null;
                    }
                }

                connections += layer.Connections[o].Count;
            }

            return new LayerShape(output, fanIn, connections * layer.Kernel * layer.Kernel, layer.Size);
        }

        /// <summary>A conv whose kernel covers its whole unpadded input is emitted as a dense layer (<see cref="FullCoverConv2dEmitter"/>).</summary>
        public override LayerEmitter Refine(LayerSpec layer, Shape input)
            => FullCoverConv2dEmitter.Covers(layer, input) ? FullCoverConv2dEmitter.Instance : (LayerEmitter)this;

        /// <summary>A conv2d with a connection table is <c>sparse_conv2d</c>, so that tools that only know dense convolutions refuse it.</summary>
        public override string KindName(LayerModel layer) => layer.Spec.IsSparse ? "sparse_conv2d" : "conv2d";

        public override int DescribedStride(LayerModel layer) => layer.Spec.Stride;

        public override DescriptionTable? DescriptionTable(LayerModel layer)
            => layer.Spec.IsSparse
                ? new DescriptionTable("Connections = new[]", layer.Spec.Connections.Select(row => "new[] { " + CodeWriter.Ints(row) + " },").ToList())
                : null;

        public override IReadOnlyList<(string Constant, int Value)> WeightDimensions(LayerModel layer)
        {
            string p = layer.Identifier;
            return layer.Spec.IsSparse
                ? new[] { (p + "Connections", ConvConnections.Count(layer.Spec)), (p + "Kernel", layer.Spec.Kernel), (p + "Kernel", layer.Spec.Kernel) }
                : new[] { (p + "Filters", layer.Spec.Size), (p + "InputChannels", layer.Input.Channels), (p + "Kernel", layer.Spec.Kernel), (p + "Kernel", layer.Spec.Kernel) };
        }

        public override (string Constant, int Value) BiasDimension(LayerModel layer) => (layer.Identifier + "Filters", layer.Spec.Size);

        public override LayerArguments BackwardArguments(LayerModel layer) => LayerArguments.Parameters | LayerArguments.Values | LayerArguments.Scratch;

        public override void EmitTables(CodeWriter writer, LayerModel layer)
        {
            if (layer.Spec.IsSparse)
            {
                ConvConnections.EmitTables(writer, layer);
                writer.Line();
            }
        }

        /// <summary>Kernels up to this size have the taps of a kernel row written out one by one.</summary>
        private const int MaxUnrolledKernel = 5;

        public override string Describe(LayerModel layer)
        {
            LayerSpec spec = layer.Spec;
            string text = (spec.IsSparse ? "sparse conv " : "conv ") + layer.Input + " -> " + layer.Output + ", " + spec.Kernel + "x" + spec.Kernel + " kernel";
            if (spec.IsSparse)
            {
                text += ", " + ConvConnections.Count(spec) + " of " + (spec.Size * layer.Input.Channels) + " connections";
            }

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

        /// <summary>
        /// Every output value reads k x k taps of each input map its filter is connected to (all of them, or those of the
        /// connection table), plus its bias.
        /// </summary>
        public override LayerCounts Counts(LayerModel layer)
        {
            long pairs = layer.Spec.IsSparse ? ConvConnections.Count(layer.Spec) : (long)layer.Spec.Size * layer.Input.Channels;
            long positions = (long)layer.Output.Height * layer.Output.Width;
            long multiplyAdds = pairs * layer.Spec.Kernel * layer.Spec.Kernel * positions;
            return new LayerCounts(multiplyAdds, multiplyAdds + (layer.Spec.Size * positions));
        }

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("public const int " + p + "Filters = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + p + "Kernel = " + CodeWriter.Int(layer.Spec.Kernel) + ";");
            writer.Line("public const int " + p + "Stride = " + CodeWriter.Int(layer.Spec.Stride) + ";");
            writer.Line("public const int " + p + "Padding = " + CodeWriter.Int(layer.Spec.Padding) + ";");
            if (layer.Spec.IsSparse)
            {
                writer.Line("public const int " + p + "Connections = " + CodeWriter.Int(ConvConnections.Count(layer.Spec)) + ";");
            }
        }

        /// <summary>
        /// Floats of per-image scratch the backward pass needs: the packed input rows of the weight gradient, then
        /// (reusing the same space) the zero-bordered output gradient of the input gradient.
        /// </summary>
        public override int ScratchSize(LayerModel layer)
        {
            int size = 0;
            if (UsesPackedWeightGradient(layer))
            {
                size = layer.Input.Channels * layer.Spec.Kernel * layer.Input.Height * layer.Output.Width;
            }

            if (UsesScatteredGradient(layer))
            {
                size = System.Math.Max(size, layer.Output.Channels * SpreadPlane(layer));
            }
            else if (UsesPaddedGradient(layer))
            {
                int border = 2 * (layer.Spec.Kernel - 1);
                size = System.Math.Max(size, layer.Output.Channels * (layer.Output.Height + border) * (layer.Output.Width + border));
            }

            return size;
        }

        /// <summary>Stride 1 and no padding: every tap reads whole contiguous input rows.</summary>
        private static bool IsPlain(LayerModel layer) => layer.Spec.Stride == 1 && layer.Spec.Padding == 0;

        /// <summary>
        /// Two filters computed together in the forward pass share every input load. The filters of a connection table
        /// read different input maps, so they go one at a time there (the weight gradient pairs filters by the input map
        /// they read instead, see <see cref="EmitWeightGradientLoops"/>).
        /// </summary>
        private static bool PairsFilters(LayerModel layer) => !layer.Spec.IsSparse && layer.Spec.Size % 2 == 0;

        /// <summary>Rows this wide are covered by at most 8 vectors of 8 floats (the last one may overlap).</summary>
        private static bool CanBlock(int width) => width >= 8 && VectorStarts(width).Length <= 8;

        private static bool UsesBlockedForward(LayerModel layer) => IsPlain(layer) && CanBlock(layer.Output.Width);

        /// <summary>Narrow maps whose packed input fits comfortably on the stack (at most 64 KB).</summary>
        private static bool UsesPackedForward(LayerModel layer)
            => IsPlain(layer) && layer.Output.Width < 16 && layer.Output.Height * layer.Output.Width >= 8
                && (long)layer.Input.Channels * layer.Spec.Kernel * layer.Input.Height * layer.Output.Width <= 16384;

        private static bool UsesBlockedWeightGradient(LayerModel layer) => IsPlain(layer) && layer.Output.Width >= 16 && layer.Spec.Kernel <= 8;

        /// <summary>Narrow maps: rows of vectors would waste lanes, so the weight gradient works on packed, contiguous windows.</summary>
        private static bool UsesPackedWeightGradient(LayerModel layer)
            => IsPlain(layer) && layer.Output.Width < 16 && layer.Output.Height * layer.Output.Width >= 8 && layer.Spec.Kernel <= 8;

        private static bool UsesPaddedGradient(LayerModel layer) => IsPlain(layer) && CanBlock(layer.Input.Width);

        /// <summary>
        /// Narrow maps: a zero border would make most taps multiply zeros, so the input gradient is scattered from
        /// output-gradient rows laid out at the input's row stride instead.
        /// </summary>
        private static bool UsesScatteredGradient(LayerModel layer)
            => IsPlain(layer) && layer.Output.Width < 16 && layer.Output.Height * layer.Input.Width >= 8;

        /// <summary>Floats per spread output-gradient map: kernel - 1 zeros in front, then whole vectors of rows at the input's stride.</summary>
        private static int SpreadPlane(LayerModel layer)
            => layer.Spec.Kernel - 1 + (((layer.Output.Height * layer.Input.Width) + 7) / 8 * 8);

        /// <summary>Column where each vector of a row starts: 0, 8, 16, ... and a last one ending at the row's end.</summary>
        private static int[] VectorStarts(int width)
        {
            var starts = new System.Collections.Generic.List<int>();
            for (int start = 0; start + 8 <= width; start += 8)
            {
                starts.Add(start);
            }

            if (width % 8 != 0)
            {
                starts.Add(width - 8);
            }

            return starts.ToArray();
        }

        /// <summary>
        /// Output rows computed together (for <paramref name="maps"/> maps at once): enough for 8 vector accumulators
        /// (FMA latency times throughput), at most 12, preferring a count that divides the height; leftover rows get a
        /// block of their own.
        /// </summary>
        private static int RowsPerBlock(int height, int width, int maps = 1)
        {
            int vectors = VectorStarts(width).Length * maps;
            int most = System.Math.Max(1, 12 / vectors);
            int least = System.Math.Min(most, (8 + vectors - 1) / vectors);
            for (int rows = System.Math.Min(most, height); rows >= least; rows--)
            {
                if (height % rows == 0)
                {
                    return rows;
                }
            }

            return System.Math.Min(least, height);
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool packed = UsesPackedForward(layer);
            bool blocked = packed || UsesBlockedForward(layer);
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            if (packed)
            {
                writer.Line("[SkipLocalsInit]");
            }

            writer.Open("private static void " + p + "Forward(float* parameters, float* input, float* output)");
            if (blocked)
            {
                EmitPortableDispatch(writer, p + "ForwardPortable(parameters, input, output);");
            }

            if (packed)
            {
                writer.Line("const int packedPlane = " + p + "InputHeight * " + p + "OutputWidth;");
                writer.Line("float* scratch = stackalloc float[" + p + "InputChannels * " + p + "Kernel * packedPlane];");
                EmitPacking(writer, layer);
            }

            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            if (packed)
            {
                EmitPackedForward(writer, layer);
            }

            if (blocked)
            {
                if (!packed)
                {
                    bool paired = PairsFilters(layer) && 2 * VectorStarts(layer.Output.Width).Length <= 12;
                    EmitBlockedCorrelation(
                        writer,
                        layer,
                        new Correlation(
                            Target: "output",
                            TargetChannels: p + "Filters",
                            TargetHeight: layer.Output.Height,
                            TargetWidth: layer.Output.Width,
                            TargetHeightName: p + "OutputHeight",
                            TargetWidthName: p + "OutputWidth",
                            Source: "input",
                            SourcePlaneSize: MapSize(p, "Input"),
                            SourceWidthName: p + "InputWidth",
                            IsInputGradient: false,
                            Initial: "Vector256.Create(biases[o])",
                            Paired: paired,
                            NextKernel: paired ? "weights + " + ConvConnections.KernelOffset(layer, "(o + 1)") : null,
                            NextInitial: paired ? "Vector256.Create(biases[o + 1])" : null),
                        map => ActivationEmitter.EmitForward(writer, layer.Spec.Activation, map, MapSize(p, "Output")));
                }

                writer.Close();
                writer.Line();
                writer.Line("// " + layer.Spec.Name + ": the same, one kernel tap at a time over output rows, for hardware without 256-bit vectors");
                writer.Open("private static void " + p + "ForwardPortable(float* parameters, float* input, float* output)");
                writer.Line("float* weights = parameters + " + p + "WeightOffset;");
                writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            }

            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = output + (o * " + MapSize(p, "Output") + ");");
            writer.Line("new Span<float>(map, " + MapSize(p, "Output") + ").Fill(biases[o]);");
            ConvConnections.OpenInputMapLoop(writer, layer);
            writer.Line("float* plane = input + (i * " + MapSize(p, "Input") + ");");
            writer.Line("float* kernel = weights + " + ConvConnections.KernelOffset(layer) + ";");
            EmitTapLoops(
                writer,
                layer,
                "float weight = kernel[(ky * " + p + "Kernel) + kx];",
                null,
                (rowIn, rowOut, count) => "Axpy(weight, plane + " + rowIn + ", map + " + rowOut + ", " + count + ");",
                (inIndex, outIndex) => "map[" + outIndex + "] += weight * plane[" + inIndex + "];");
            writer.Close();
            if (layer.Spec.Activation != ActivationKind.None)
            {
                writer.Line();
                ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "map", MapSize(p, "Output"));
            }

            writer.Close();
            writer.Close();
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            bool blocked = UsesBlockedWeightGradient(layer) || UsesPackedWeightGradient(layer) || UsesPaddedGradient(layer) || UsesScatteredGradient(layer);
            const string Parameters = "(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient, float* scratch)";
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer));
            writer.Open("private static void " + p + "Backward" + Parameters);
            if (blocked)
            {
                EmitPortableDispatch(writer, p + "BackwardPortable(parameters, gradients, input, output, outputGradient, inputGradient, scratch);");
            }

            EmitBackwardBody(writer, layer, inputGradientOptional, blocked);
            writer.Close();
            if (blocked)
            {
                writer.Line();
                writer.Line("// " + layer.Spec.Name + ": the same, one kernel tap at a time over output rows, for hardware without 256-bit vectors");
                writer.Open("private static void " + p + "BackwardPortable" + Parameters);
                EmitBackwardBody(writer, layer, inputGradientOptional, false);
                writer.Close();
            }
        }

        private static void EmitPortableDispatch(CodeWriter writer, string call)
        {
            writer.Open("if (!Vector256.IsHardwareAccelerated)");
            writer.Line(call);
            writer.Line("return;");
            writer.Close();
            writer.Line();
        }

        private static void EmitBackwardBody(CodeWriter writer, LayerModel layer, bool inputGradientOptional, bool blocked)
        {
            string p = layer.Identifier;
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
            if (blocked && UsesBlockedWeightGradient(layer))
            {
                EmitBlockedWeightGradient(writer, layer);
            }
            else if (blocked && UsesPackedWeightGradient(layer))
            {
                EmitPackedWeightGradient(writer, layer);
            }
            else
            {
                EmitWeightGradient(writer, layer);
            }

            writer.Line();
            if (inputGradientOptional)
            {
                writer.Open("if (inputGradient == null)");
                writer.Line("return;");
                writer.Close();
                writer.Line();
            }

            if (blocked && UsesScatteredGradient(layer))
            {
                EmitScatteredInputGradient(writer, layer);
            }
            else if (blocked && UsesPaddedGradient(layer))
            {
                EmitPaddedInputGradient(writer, layer);
            }
            else
            {
                EmitInputGradient(writer, layer);
            }
        }

        private static void EmitWeightGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputGradient + (o * " + MapSize(p, "Output") + ");");
            writer.Line("biasGradients[o] += Sum(map, " + MapSize(p, "Output") + ");");
            ConvConnections.OpenInputMapLoop(writer, layer);
            writer.Line("float* plane = input + (i * " + MapSize(p, "Input") + ");");
            writer.Line("float* kernelGradient = weightGradients + " + ConvConnections.KernelOffset(layer) + ";");
            EmitTapLoops(
                writer,
                layer,
                "float sum = 0.0f;",
                "kernelGradient[(ky * " + p + "Kernel) + kx] += sum;",
                (rowIn, rowOut, count) => "sum += Dot(map + " + rowOut + ", plane + " + rowIn + ", " + count + ");",
                (inIndex, outIndex) => "sum += map[" + outIndex + "] * plane[" + inIndex + "];");
            writer.Close();
            writer.Close();
        }

        /// <summary>
        /// d weight[o, i, ky, kx] = sum over y, x of d output[o, y, x] * input[i, y + ky, x + kx]: for each kernel row,
        /// one vector accumulator per kx, reduced once at the end.
        /// </summary>
        private static void EmitBlockedWeightGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            int tail = layer.Output.Width % 8;
            if (tail != 0)
            {
                writer.Line("// the last vector of a row overlaps the one before: count only its last " + tail + " columns");
                writer.Line("Vector256<float> tailMask = Vector256.Create(" + CodeWriter.LaneMask(8 - tail) + ").AsSingle();");
                writer.Line();
            }

            EmitWeightGradientLoops(writer, layer, "float* plane = input + (i * " + MapSize(p, "Input") + ");", filters => EmitBlockedWeightGradientTaps(writer, layer, filters));
        }

        /// <summary>The taps of <see cref="EmitBlockedWeightGradient"/> for the filters at hand, kernel row by kernel row.</summary>
        private static void EmitBlockedWeightGradientTaps(CodeWriter writer, LayerModel layer, int filters)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            int width = layer.Output.Width;
            int tail = width % 8;
            writer.Open("for (int ky = 0; ky < " + p + "Kernel; ky++)");
            for (int f = 0; f < filters; f++)
            {
                for (int kx = 0; kx < kernel; kx++)
                {
                    writer.Line("Vector256<float> tap" + f + kx + " = Vector256<float>.Zero;");
                }
            }

            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            for (int f = 0; f < filters; f++)
            {
                writer.Line("float* gradientRow" + f + " = map" + f + " + (y * " + p + "OutputWidth);");
            }

            writer.Line("float* inputRow = plane + ((y + ky) * " + p + "InputWidth);");
            if (width >= 16)
            {
                writer.Open("for (int x = 0; x <= " + p + "OutputWidth - 8; x += 8)");
                EmitTapUpdates(writer, kernel, filters, "x", f => "Vector256.Load(gradientRow" + f + " + x)");
                writer.Close();
            }
            else
            {
                writer.Line("// columns 0 to 7");
                writer.Open();
                EmitTapUpdates(writer, kernel, filters, "0", f => "Vector256.Load(gradientRow" + f + ")");
                writer.Close();
            }

            if (tail != 0)
            {
                writer.Line();
                writer.Line("// columns " + (width - 8) + " to " + (width - 1) + ", of which the first " + (8 - tail) + " were counted above");
                writer.Open();
                string last = "(" + p + "OutputWidth - 8)";
                EmitTapUpdates(writer, kernel, filters, last, f => "Vector256.Load(gradientRow" + f + " + " + last + ") & tailMask");
                writer.Close();
            }

            writer.Close();
            writer.Line();
            for (int f = 0; f < filters; f++)
            {
                for (int kx = 0; kx < kernel; kx++)
                {
                    writer.Line("kernelGradient" + f + "[(ky * " + p + "Kernel)" + (kx == 0 ? string.Empty : " + " + kx) + "] += Vector256.Sum(tap" + f + kx + ");");
                }
            }

            writer.Close();
        }

        /// <summary>
        /// d weight[o, i, ky, kx] = sum over m of d output[o, m] * packed[i, kx][ky * width + m]: every input row is copied
        /// shifted by kx and cut to the output width, so the window of each tap is one contiguous run as long as the
        /// output map, and a dot product over whole vectors (the last one masked) covers it.
        /// </summary>
        private static void EmitPackedWeightGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            int tail = layer.Output.Height * layer.Output.Width % 8;
            writer.Line("const int packedPlane = " + p + "InputHeight * " + p + "OutputWidth;");
            EmitPacking(writer, layer);
            if (tail != 0)
            {
                writer.Line("// the last vector overlaps the one before: count only its last " + tail + " elements");
                writer.Line("Vector256<float> tailMask = Vector256.Create(" + CodeWriter.LaneMask(8 - tail) + ").AsSingle();");
                writer.Line();
            }

            EmitWeightGradientLoops(writer, layer, null, filters => EmitPackedWeightGradientTaps(writer, layer, filters));
        }

        /// <summary>The taps of <see cref="EmitPackedWeightGradient"/> for the filters at hand, kernel column by kernel column.</summary>
        private static void EmitPackedWeightGradientTaps(CodeWriter writer, LayerModel layer, int filters)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            int tail = layer.Output.Height * layer.Output.Width % 8;
            writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
            writer.Line("float* packed = scratch + (((i * " + p + "Kernel) + kx) * packedPlane);");
            for (int f = 0; f < filters; f++)
            {
                for (int ky = 0; ky < kernel; ky++)
                {
                    writer.Line("Vector256<float> tap" + f + ky + " = Vector256<float>.Zero;");
                }
            }

            writer.Open("for (int m = 0; m <= " + MapSize(p, "Output") + " - 8; m += 8)");
            EmitPackedTapUpdates(writer, p, kernel, filters, "m", f => "Vector256.Load(map" + f + " + m)");
            writer.Close();
            if (tail != 0)
            {
                writer.Line();
                writer.Open();
                string last = "(" + MapSize(p, "Output") + " - 8)";
                EmitPackedTapUpdates(writer, p, kernel, filters, last, f => "Vector256.Load(map" + f + " + " + last + ") & tailMask");
                writer.Close();
            }

            writer.Line();
            for (int f = 0; f < filters; f++)
            {
                for (int ky = 0; ky < kernel; ky++)
                {
                    writer.Line("kernelGradient" + f + "[" + (ky == 0 ? string.Empty : "(" + ky + " * " + p + "Kernel) + ") + "kx] += Vector256.Sum(tap" + f + ky + ");");
                }
            }

            writer.Close();
        }

        /// <summary>
        /// The loop nest of the vector weight gradients: the bias gradients, then for every input map i the filters that
        /// read it, two at a time (the kernel small enough to keep 2k accumulators) so that each input load feeds both,
        /// and the one left over alone. <paramref name="taps"/> writes the work for the filters at hand, whose output
        /// gradients are map0, map1 and kernel gradients kernelGradient0, kernelGradient1.
        /// </summary>
        private static void EmitWeightGradientLoops(CodeWriter writer, LayerModel layer, string? perInputMap, System.Action<int> taps)
        {
            string p = layer.Identifier;
            bool paired = layer.Spec.Kernel <= 6 && (layer.Spec.IsSparse || layer.Spec.Size >= 2);
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("biasGradients[o] += Sum(outputGradient + (o * " + MapSize(p, "Output") + "), " + MapSize(p, "Output") + ");");
            writer.Close();
            writer.Line();
            writer.Open("for (int i = 0; i < " + p + "InputChannels; i++)");
            if (perInputMap != null)
            {
                writer.Line(perInputMap);
            }

            if (!paired)
            {
                ConvConnections.OpenFilterLoop(writer, layer);
                EmitFilterPointers(writer, layer, 1, f => "o", f => "connection");
                taps(1);
                writer.Close();
            }
            else
            {
                ConvConnections.OpenFilterPairLoop(writer, layer);
                EmitFilterPointers(writer, layer, 2, f => "o" + f, f => "connection" + f);
                taps(2);
                writer.Close();
                if (ConvConnections.OpenLeftoverFilter(writer, layer))
                {
                    EmitFilterPointers(writer, layer, 1, f => "o0", f => "connection0");
                    taps(1);
                    writer.Close();
                }
            }

            writer.Close();
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

        /// <summary>Fills scratch with packed[i, kx]: the input rows shifted left by kx and cut to the output width.</summary>
        private static void EmitPacking(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// packed[i, kx] holds input rows shifted left by kx and cut to the output width: tap (ky, kx) reads");
            writer.Line("// the contiguous run packed[i, kx][ky * OutputWidth ..] as long as an output map");
            writer.Open("for (int i = 0; i < " + p + "InputChannels; i++)");
            writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
            writer.Open("for (int row = 0; row < " + p + "InputHeight; row++)");
            writer.Line("float* source = input + (((i * " + p + "InputHeight) + row) * " + p + "InputWidth) + kx;");
            writer.Line("float* target = scratch + (((i * " + p + "Kernel) + kx) * packedPlane) + (row * " + p + "OutputWidth);");
            writer.Line("new ReadOnlySpan<float>(source, " + p + "OutputWidth).CopyTo(new Span<float>(target, " + p + "OutputWidth));");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Line();
        }

        /// <summary>
        /// Forward on packed windows: each output map is one run of vectors (the last may overlap the one before),
        /// computed in chunks over every input channel it reads and every tap, as many accumulators as leave registers for
        /// the broadcast weight (at most 14 of the 16). With an even filter count and no connection table, two filters go
        /// together (at most 2 x 6 accumulators, two weights and the shared input vector): each packed vector loaded then
        /// feeds both, which halves the loads; every output still adds its taps in the same order (i, kx, ky).
        /// </summary>
        private static void EmitPackedForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            int filters = PairsFilters(layer) ? 2 : 1;
            int[] starts = VectorStarts(layer.Output.Height * layer.Output.Width);
            int most = filters == 1 ? 14 : 6;
            int chunks = (starts.Length + most - 1) / most;
            writer.Open("for (int o = 0; o < " + p + "Filters; o" + (filters == 1 ? "++" : " += " + filters) + ")");
            if (filters == 1)
            {
                writer.Line("float* map = output + (o * " + MapSize(p, "Output") + ");");
                writer.Line("Vector256<float> initial = Vector256.Create(biases[o]);");
            }
            else
            {
                writer.Line("// filters o and o + 1 together");
                for (int f = 0; f < filters; f++)
                {
                    string o = f == 0 ? "o" : "(o + " + f + ")";
                    writer.Line("float* map" + f + " = output + (" + o + " * " + MapSize(p, "Output") + ");");
                    writer.Line("Vector256<float> initial" + f + " = Vector256.Create(biases[" + (f == 0 ? "o" : "o + " + f) + "]);");
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
                writer.Line("// elements " + starts[first] + " to " + (starts[first + count - 1] + 7) + " in "
                    + (filters == 1 ? count + " accumulators" : filters + " x " + count + " accumulators"));
                writer.Open();
                for (int f = 0; f < filters; f++)
                {
                    for (int v = 0; v < count; v++)
                    {
                        writer.Line("Vector256<float> " + Sum(f, v) + " = " + F("initial", f) + ";");
                    }
                }

                ConvConnections.OpenInputMapLoop(writer, layer);
                writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
                writer.Line("float* source = scratch + (((i * " + p + "Kernel) + kx) * packedPlane);");
                for (int f = 0; f < filters; f++)
                {
                    writer.Line("float* " + F("taps", f) + " = weights + " + ConvConnections.KernelOffset(layer, f == 0 ? "o" : "(o + " + f + ")") + " + kx;");
                }

                bool unrolled = kernel <= MaxUnrolledKernel;
                if (!unrolled)
                {
                    writer.Open("for (int ky = 0; ky < " + p + "Kernel; ky++)");
                }

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
                        writer.Line((unrolled && ky > 0 ? string.Empty : "Vector256<float> ") + F("weight", f) + " = Vector256.Create(" + F("taps", f) + tap + ");");
                    }

                    if (row != "source")
                    {
                        writer.Line((unrolled && ky > 1 ? string.Empty : "float* ") + "window = " + row + ";");
                    }

                    string window = row == "source" ? "source" : "window";
                    for (int v = 0; v < count; v++)
                    {
                        int start = starts[first + v];
                        string load = "Vector256.Load(" + window + (start == 0 ? string.Empty : " + " + start) + ")";
                        if (filters == 1)
                        {
                            writer.Line("sum" + v + " = MultiplyAdd(weight, " + load + ", sum" + v + ");");
                        }
                        else
                        {
                            writer.Line((ky == 0 && v == 0 ? "Vector256<float> " : string.Empty) + "x = " + load + ";");
                            for (int f = 0; f < filters; f++)
                            {
                                writer.Line(Sum(f, v) + " = MultiplyAdd(weight" + f + ", x, " + Sum(f, v) + ");");
                            }
                        }
                    }
                }

                if (!unrolled)
                {
                    writer.Close();
                }

                writer.Close();
                writer.Close();
                writer.Line();
                for (int f = 0; f < filters; f++)
                {
                    for (int v = 0; v < count; v++)
                    {
                        int start = starts[first + v];
                        writer.Line("Vector256.Store(" + Sum(f, v) + ", " + F("map", f) + (start == 0 ? string.Empty : " + " + start) + ");");
                    }
                }

                writer.Close();
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

            writer.Close();
        }

        private static void EmitPackedTapUpdates(CodeWriter writer, string p, int kernel, int filters, string position, System.Func<int, string> gradient)
        {
            for (int f = 0; f < filters; f++)
            {
                writer.Line("Vector256<float> gradient" + f + " = " + gradient(f) + ";");
            }

            for (int ky = 0; ky < kernel; ky++)
            {
                string offset = ky == 0 ? string.Empty : "(" + ky + " * " + p + "OutputWidth) + ";
                writer.Line((ky == 0 ? "Vector256<float> " : string.Empty) + "source = Vector256.Load(packed + " + offset + position + ");");
                for (int f = 0; f < filters; f++)
                {
                    writer.Line("tap" + f + ky + " = MultiplyAdd(gradient" + f + ", source, tap" + f + ky + ");");
                }
            }
        }

        private static void EmitTapUpdates(CodeWriter writer, int kernel, int filters, string column, System.Func<int, string> gradient)
        {
            for (int f = 0; f < filters; f++)
            {
                writer.Line("Vector256<float> gradient" + f + " = " + gradient(f) + ";");
            }

            for (int kx = 0; kx < kernel; kx++)
            {
                string offset = column == "0" ? (kx == 0 ? string.Empty : " + " + kx) : " + " + column + (kx == 0 ? string.Empty : " + " + kx);
                writer.Line((kx == 0 ? "Vector256<float> " : string.Empty) + "source = Vector256.Load(inputRow" + offset + ");");
                for (int f = 0; f < filters; f++)
                {
                    writer.Line("tap" + f + kx + " = MultiplyAdd(gradient" + f + ", source, tap" + f + kx + ");");
                }
            }
        }

        private static void EmitInputGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("new Span<float>(inputGradient, " + p + "InputChannels * " + MapSize(p, "Input") + ").Clear();");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputGradient + (o * " + MapSize(p, "Output") + ");");
            ConvConnections.OpenInputMapLoop(writer, layer);
            writer.Line("float* plane = inputGradient + (i * " + MapSize(p, "Input") + ");");
            writer.Line("float* kernel = weights + " + ConvConnections.KernelOffset(layer) + ";");
            EmitTapLoops(
                writer,
                layer,
                "float weight = kernel[(ky * " + p + "Kernel) + kx];",
                null,
                (rowIn, rowOut, count) => "Axpy(weight, map + " + rowOut + ", plane + " + rowIn + ", " + count + ");",
                (inIndex, outIndex) => "plane[" + inIndex + "] += weight * map[" + outIndex + "];");
            writer.Close();
            writer.Close();
        }

        /// <summary>
        /// d input[i, ky * W + q] += sum over o, kx of weight[o, i, ky, kx] * spread[o, q - kx], where spread[o] holds the
        /// output-gradient rows at the input's row stride W (columns OutputWidth.. zero, kernel - 1 zeros in front): for
        /// each input channel and kernel row, one contiguous run of OutputHeight * W input-gradient elements receives every
        /// filter's and kx's contribution, accumulated in registers. Only the zero columns between rows are multiplied in
        /// vain (OutputWidth of every InputWidth lanes count), not a zero border around the whole map.
        /// </summary>
        private static void EmitScatteredInputGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            int kernel = layer.Spec.Kernel;
            int length = layer.Output.Height * layer.Input.Width;
            int vectors = (length + 7) / 8;
            int chunks = (vectors + 11) / 12;
            int perChunk = (vectors + chunks - 1) / chunks;
            writer.Line("// the input gradient scatters the output gradient, its rows spread to the input's row stride (the extra columns");
            writer.Line("// zero, Kernel - 1 zeros in front): input-gradient rows ky.. receive one contiguous run per input channel and ky");
            writer.Line("const int spreadPlane = " + CodeWriter.Int(SpreadPlane(layer)) + ";");
            writer.Line("new Span<float>(scratch, " + p + "Filters * spreadPlane).Clear();");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            writer.Line("float* source = outputGradient + (((o * " + p + "OutputHeight) + y) * " + p + "OutputWidth);");
            writer.Line("float* target = scratch + (o * spreadPlane) + (" + p + "Kernel - 1) + (y * " + p + "InputWidth);");
            writer.Line("new ReadOnlySpan<float>(source, " + p + "OutputWidth).CopyTo(new Span<float>(target, " + p + "OutputWidth));");
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Line("new Span<float>(inputGradient, " + p + "InputChannels * " + MapSize(p, "Input") + ").Clear();");
            writer.Open("for (int i = 0; i < " + p + "InputChannels; i++)");
            writer.Open("for (int ky = 0; ky < " + p + "Kernel; ky++)");
            writer.Line("float* target = inputGradient + (i * " + MapSize(p, "Input") + ") + (ky * " + p + "InputWidth);");
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                int first = chunk * perChunk;
                int count = System.Math.Min(perChunk, vectors - first);
                int end = System.Math.Min(length, (first + count) * 8) - 1;
                writer.Line();
                writer.Line("// elements " + (first * 8) + " to " + end + " in " + count + " accumulators");
                writer.Open();
                for (int v = 0; v < count; v++)
                {
                    writer.Line("Vector256<float> sum" + v + " = Vector256<float>.Zero;");
                }

                ConvConnections.OpenFilterLoop(writer, layer);
                writer.Line("float* spread = scratch + (o * spreadPlane) + (" + p + "Kernel - 1);");
                writer.Line("float* taps = weights + " + ConvConnections.KernelOffset(layer) + " + (ky * " + p + "Kernel);");
                writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
                writer.Line("Vector256<float> weight = Vector256.Create(taps[kx]);");
                writer.Line("float* source = spread - kx;");
                for (int v = 0; v < count; v++)
                {
                    int start = (first + v) * 8;
                    writer.Line("sum" + v + " = MultiplyAdd(weight, Vector256.Load(source" + (start == 0 ? string.Empty : " + " + start) + "), sum" + v + ");");
                }

                writer.Close();
                writer.Close();
                writer.Line();
                for (int v = 0; v < count; v++)
                {
                    int start = (first + v) * 8;
                    if (start + 8 <= length)
                    {
                        string at = start == 0 ? "target" : "target + " + start;
                        writer.Line("Vector256.Store(Vector256.Load(" + at + ") + sum" + v + ", " + at + ");");
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

                writer.Close();
            }

            writer.Close();
            writer.Close();
        }

        /// <summary>
        /// d input[i, r, c] = sum over o, ky, kx of weight[o, i, ky, kx] * d output[o, r - ky, c - kx]: a plain correlation of
        /// the output gradient, bordered by kernel - 1 zeros, with the flipped kernels, input and output channels swapped.
        /// </summary>
        private static void EmitPaddedInputGradient(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// the input gradient correlates the output gradient, bordered by Kernel - 1 zeros, with the flipped kernels");
            writer.Line("const int border = " + p + "Kernel - 1;");
            writer.Line("const int paddedHeight = " + p + "OutputHeight + (2 * border);");
            writer.Line("const int paddedWidth = " + p + "OutputWidth + (2 * border);");
            writer.Line("new Span<float>(scratch, " + p + "Filters * paddedHeight * paddedWidth).Clear();");
            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            writer.Line("float* source = outputGradient + (((o * " + p + "OutputHeight) + y) * " + p + "OutputWidth);");
            writer.Line("float* target = scratch + (((o * paddedHeight) + y + border) * paddedWidth) + border;");
            writer.Line("new ReadOnlySpan<float>(source, " + p + "OutputWidth).CopyTo(new Span<float>(target, " + p + "OutputWidth));");
            writer.Close();
            writer.Close();
            writer.Line();
            EmitBlockedCorrelation(
                writer,
                layer,
                new Correlation(
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
                    Initial: "Vector256<float>.Zero"),
                null);
        }

        /// <summary>
        /// A valid, stride-1 correlation target[o] = initial + sum over the input maps i that filter o reads of
        /// source[i] (*) kernel(o, i) (or, for <see cref="Correlation.IsInputGradient"/>, target[i] = sum over the filters o
        /// that read i), computing a block of output rows at once in up to 8 vector accumulators; the last vector of a row
        /// may overlap the one before (it recomputes the same values, so storing both is harmless).
        /// <see cref="Correlation.Paired"/> computes two target maps (o and o + 1) together, so that every source vector
        /// loaded feeds both; each target element still adds its taps in the same order (i, ky, kx).
        /// </summary>
        private static void EmitBlockedCorrelation(CodeWriter writer, LayerModel layer, Correlation c, System.Action<string>? afterMap)
        {
            string p = layer.Identifier;
            int[] starts = VectorStarts(c.TargetWidth);
            int maps = c.Paired ? 2 : 1;
            int rows = RowsPerBlock(c.TargetHeight, c.TargetWidth, maps);
            string t = c.IsInputGradient ? "i" : "o";
            bool vectorInitial = c.Initial.StartsWith("Vector256.Create", System.StringComparison.Ordinal);
            writer.Open("for (int " + t + " = 0; " + t + " < " + c.TargetChannels + "; " + t + (c.Paired ? " += 2" : "++") + ")");
            if (c.Paired)
            {
                writer.Line("// maps " + t + " and " + t + " + 1 together");
                writer.Line("float* map0 = " + c.Target + " + (" + t + " * " + c.TargetHeightName + " * " + c.TargetWidthName + ");");
                writer.Line("float* map1 = map0 + (" + c.TargetHeightName + " * " + c.TargetWidthName + ");");
                writer.Line("Vector256<float> initial0 = " + c.Initial + ";");
                writer.Line("Vector256<float> initial1 = " + c.NextInitial + ";");
            }
            else
            {
                writer.Line("float* map = " + c.Target + " + (" + t + " * " + c.TargetHeightName + " * " + c.TargetWidthName + ");");
                if (vectorInitial)
                {
                    writer.Line("Vector256<float> initial = " + c.Initial + ";");
                }
            }

            string initial = vectorInitial ? "initial" : c.Initial;
            int tail = c.TargetHeight % rows;
            writer.Open("for (int y = 0; y < " + c.TargetHeightName + (tail == 0 ? string.Empty : " - " + tail) + "; " + (rows == 1 ? "y++" : "y += " + rows) + ")");
            EmitRowBlock(writer, layer, c, starts, rows, initial);
            writer.Close();
            if (tail != 0)
            {
                writer.Line();
                writer.Open();
                writer.Line("int y = " + c.TargetHeightName + " - " + tail + ";");
                EmitRowBlock(writer, layer, c, starts, tail, initial);
                writer.Close();
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

            writer.Close();
        }

        /// <summary>
        /// One block of <paramref name="rows"/> output rows starting at y, in rows x starts.Length accumulators per map
        /// (sum[row][vector], or sum[map][row][vector] for paired maps).
        /// </summary>
        private static void EmitRowBlock(CodeWriter writer, LayerModel layer, Correlation c, int[] starts, int rows, string initial)
        {
            string p = layer.Identifier;
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
                        writer.Line("Vector256<float> " + Sum(m, r, v) + " = " + Name(initial, m) + ";");
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

            if (c.IsInputGradient)
            {
                ConvConnections.OpenFilterLoop(writer, layer);
            }
            else
            {
                ConvConnections.OpenInputMapLoop(writer, layer);
            }

            writer.Line("float* " + Name("kernel", 0) + " = weights + " + ConvConnections.KernelOffset(layer) + ";");
            if (c.Paired)
            {
                writer.Line("float* kernel1 = " + c.NextKernel + ";");
            }

            writer.Line("float* rows = " + c.Source + " + (" + u + " * " + c.SourcePlaneSize + ") + (y * " + c.SourceWidthName + ");");
            writer.Open("for (int ky = " + kyStart + "; ky < " + kyEnd + "; ky++)");
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

            if (!unrolled)
            {
                writer.Open("for (int kx = 0; kx < " + p + "Kernel; kx++)");
            }

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
                    writer.Line((unrolled && kx > 0 ? string.Empty : "Vector256<float> ") + Name("weight", m) + " = Vector256.Create(" + Name("taps", m) + "[" + index + "]);");
                }

                for (int r = 0; r < rows; r++)
                {
                    for (int v = 0; v < starts.Length; v++)
                    {
                        string offset = unrolled
                            ? (kx + starts[v] == 0 ? string.Empty : " + " + (kx + starts[v]))
                            : (starts[v] == 0 ? " + kx" : " + kx + " + starts[v]);
                        string load = "Vector256.Load(row" + r + offset + ")";
                        if (!c.Paired)
                        {
                            writer.Line("sum" + r + v + " = MultiplyAdd(weight, " + load + ", sum" + r + v + ");");
                            continue;
                        }

                        writer.Line((kx == 0 && r == 0 && v == 0 ? "Vector256<float> " : string.Empty) + "x = " + load + ";");
                        for (int m = 0; m < maps; m++)
                        {
                            writer.Line(Sum(m, r, v) + " = MultiplyAdd(weight" + m + ", x, " + Sum(m, r, v) + ");");
                        }
                    }
                }
            }

            if (!unrolled)
            {
                writer.Close();
            }

            writer.Close();
            writer.Close();
            writer.Line();
            for (int m = 0; m < maps; m++)
            {
                for (int r = 0; r < rows; r++)
                {
                    string row = r == 0 ? "y" : "(y + " + r + ")";
                    for (int v = 0; v < starts.Length; v++)
                    {
                        string column = starts[v] == 0 ? string.Empty : " + " + starts[v];
                        writer.Line("Vector256.Store(" + Sum(m, r, v) + ", " + Name("map", m) + " + (" + row + " * " + c.TargetWidthName + ")" + column + ");");
                    }
                }
            }
        }

        /// <summary>
        /// The operands of <see cref="EmitBlockedCorrelation"/>. <see cref="IsInputGradient"/>: the targets are the input
        /// maps i, the sources the filters' bordered output gradients o, and the kernels are read flipped; otherwise the
        /// targets are the filters' output maps o and the sources the input maps i.
        /// </summary>
        private sealed record Correlation(
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
            string Initial,
            bool Paired = false,
            string? NextKernel = null,
            string? NextInitial = null);

        private static string MapSize(string p, string side) => p + side + "Height * " + p + side + "Width";

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
                writer.Line(row(inputRow + " + " + inputColumn, outputRow + outputColumn, count));
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
                writer.Line();
                writer.Line(after);
            }

            writer.Close();
            writer.Close();
        }

        private static string Scaled(string variable, int stride, string strideName) => stride == 1 ? variable : "(" + variable + " * " + strideName + ")";

        /// <summary>Convolutions, with or without a connection table, any stride and padding: a weight sums over every position it is used at.</summary>
        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool sparse = layer.Spec.IsSparse;
            CurvatureEmitter.OpenWithParameters(writer, layer, "a convolution: each weight gets x^2 h summed over the positions it is used at, and passes w^2 h back to each");
            writer.Line("int mapSize = " + p + "OutputHeight * " + p + "OutputWidth;");
            writer.Line("int planeSize = " + p + "InputHeight * " + p + "InputWidth;");
            if (sparse)
            {
                writer.Line("ReadOnlySpan<int> starts = " + p + "ConnectionStarts;");
                writer.Line("ReadOnlySpan<int> inputs = " + p + "ConnectionInputs;");
            }

            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputCurvature + (o * mapSize);");
            writer.Line("biasCurvature[o] += Sum(map, mapSize);");
            if (sparse)
            {
                writer.Open("for (int k = starts[o]; k < starts[o + 1]; k++)");
                writer.Line("int c = inputs[k];");
            }
            else
            {
                writer.Open("for (int c = 0; c < " + p + "InputChannels; c++)");
                writer.Line("int k = (o * " + p + "InputChannels) + c;");
            }

            writer.Line("float* plane = input + (c * planeSize);");
            writer.Line("float* planeCurvature = inputCurvature == null ? null : inputCurvature + (c * planeSize);");
            writer.Open("for (int tap = 0; tap < " + p + "Kernel * " + p + "Kernel; tap++)");
            writer.Line("int ky = tap / " + p + "Kernel;");
            writer.Line("int kx = tap % " + p + "Kernel;");
            writer.Line("float weight = weights[(k * " + p + "Kernel * " + p + "Kernel) + tap];");
            writer.Line("float sum = 0.0f;");
            writer.Open("for (int oy = 0; oy < " + p + "OutputHeight; oy++)");
            writer.Line("int iy = (oy * " + p + "Stride) + ky - " + p + "Padding;");
            writer.Open("if (iy < 0 || iy >= " + p + "InputHeight)");
            writer.Line("continue;");
            writer.Close();
            writer.Line();
            writer.Open("for (int ox = 0; ox < " + p + "OutputWidth; ox++)");
            writer.Line("int ix = (ox * " + p + "Stride) + kx - " + p + "Padding;");
            writer.Open("if (ix < 0 || ix >= " + p + "InputWidth)");
            writer.Line("continue;");
            writer.Close();
            writer.Line();
            writer.Line("float h = map[(oy * " + p + "OutputWidth) + ox];");
            writer.Line("float value = plane[(iy * " + p + "InputWidth) + ix];");
            writer.Line("sum += value * value * h;");
            writer.Open("if (planeCurvature != null)");
            writer.Line("planeCurvature[(iy * " + p + "InputWidth) + ix] += weight * weight * h;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Line("weightCurvature[(k * " + p + "Kernel * " + p + "Kernel) + tap] += sum;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
        }
    }
}
