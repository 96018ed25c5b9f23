using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// conv2d: weights [filters, in, k, k], or [connections, k, k] with a connection table (see <see cref="ConvConnections"/>),
    /// bias [filters]. With stride 1 and no padding, vector paths for each width its <see cref="ConvPlans"/> vectorize: on
    /// wide maps a block of output rows in 8 to 14 accumulators, the taps of a kernel row unrolled; one accumulator per tap
    /// and filter for the weight gradient; the input gradient as a correlation of the zero-bordered output gradient with the
    /// flipped kernels; narrow maps packed or scattered into contiguous runs. Otherwise, and on hardware without SIMD, a
    /// general path accumulates one kernel tap at a time over output rows, clipping each tap's row and column ranges to
    /// handle zero padding and strides without a padded copy. Every path visits the pairs of filter and input map through
    /// <see cref="ConvConnections"/>, so a connection table only leaves pairs out.
    /// </summary>
    internal sealed partial class Conv2dEmitter : LayerEmitter
    {
        public static readonly Conv2dEmitter Instance = new Conv2dEmitter();


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

        /// <summary>A conv2d with a connection table is described as a sparse one, so that tools cannot mistake it for a dense one.</summary>
        public override LayerKind DescribedKind(LayerModel layer) => layer.Spec.IsSparse ? LayerKind.SparseConv2d : LayerKind.Conv2d;

        public override int DescribedStride(LayerModel layer) => layer.Spec.Stride;

        /// <summary>The vector paths multiply-add; the portable paths (always written) use Axpy and Dot; bias gradients Sum.</summary>
        public override KernelHelpers Helpers(LayerModel layer) => KernelHelpers.MultiplyAdd | KernelHelpers.Dot | KernelHelpers.Sum | KernelHelpers.Axpy;

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

        public override LayerPlan? Plan(LayerSpec layer, Shape input, Shape output) => ConvPlans.For(layer, input, output);

        /// <summary>The plans shape inference computed for the layer.</summary>
        private static ConvPlans PlansOf(LayerModel layer) => (ConvPlans)layer.Plan!;

        public override int ScratchSize(LayerModel layer) => PlansOf(layer).ScratchSize;

        public override void EmitForward(CodeWriter writer, LayerModel layer)
            => EmitPass(
                writer,
                layer,
                backward: false,
                "(float* parameters, float* input, float* output)",
                "(parameters, input, output);",
                plan =>
                {
                    if (plan == null)
                    {
                        EmitPortableForward(writer, layer);
                    }
                    else
                    {
                        EmitVectorForward(writer, layer, plan);
                    }
                });

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
            => EmitPass(
                writer,
                layer,
                backward: true,
                "(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient, float* scratch)",
                "(parameters, gradients, input, output, outputGradient, inputGradient, scratch);",
                plan => EmitBackwardBody(writer, layer, inputGradientOptional, plan));

        /// <summary>
        /// The methods of one pass. <c>C1Forward</c> calls the method of the widest accelerated width whose plan vectorizes
        /// the pass (<c>C1Forward512</c>, ...; the JIT folds the checks to constants), else <c>C1ForwardPortable</c>. The
        /// width methods do not check the hardware, so that a test may call each. A pass no width vectorizes has only
        /// <c>C1Forward</c>, portable. <paramref name="body"/> writes a method's body along a plan, or the portable one for null.
        /// </summary>
        private void EmitPass(CodeWriter writer, LayerModel layer, bool backward, string parameters, string arguments, System.Action<ConvPlan?> body)
        {
            string name = layer.Spec.Name;
            string method = layer.Identifier + (backward ? "Backward" : "Forward");
            ConvPlans plans = PlansOf(layer);
            List<ConvPlan> vector = (backward ? plans.VectorBackward : plans.VectorForward).ToList();
            writer.Line("// " + name + ": " + (backward ? "backward of " : string.Empty) + Describe(layer));
            if (vector.Count == 0)
            {
                writer.Line("// " + ConvPlans.DescribePortable(backward));
                using (writer.Block("private static void " + method + parameters))
                {
                    body(null);
                }

                return;
            }

            using (writer.Block("private static void " + method + parameters))
            {
                foreach (ConvPlan plan in vector)
                {
                    using (writer.Block("if (" + plan.Width.IsAccelerated + ")"))
                    {
                        writer.Line(method + plan.Width.Suffix + arguments);
                        writer.Line("return;");
                    }

                    writer.Line();
                }

                writer.Line(method + "Portable" + arguments);
            }

            foreach (ConvPlan plan in vector)
            {
                writer.Line();
                writer.Line("// " + name + ": " + plan.Describe(backward));
                if (!backward && plan.Forward == ConvForward.Packed)
                {
                    writer.Line("[SkipLocalsInit]");
                }

                using (writer.Block("private static void " + method + plan.Width.Suffix + parameters))
                {
                    body(plan);
                }
            }

            writer.Line();
            writer.Line("// " + name + ": the same, one kernel tap at a time over output rows, for hardware without SIMD");
            using (writer.Block("private static void " + method + "Portable" + parameters))
            {
                body(null);
            }
        }

        /// <summary>The forward pass along a vector plan: packed windows, or the blocked correlation of the input with the kernels.</summary>
        private static void EmitVectorForward(CodeWriter writer, LayerModel layer, ConvPlan plan)
        {
            string p = layer.Identifier;
            if (plan.Forward == ConvForward.Packed)
            {
                writer.Line("const int packedPlane = " + p + "InputHeight * " + p + "OutputWidth;");
                writer.Line("float* scratch = stackalloc float[" + p + "InputChannels * " + p + "Kernel * packedPlane];");
                EmitPacking(writer, layer);
            }

            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* biases = parameters + " + p + "BiasOffset;");
            if (plan.Forward == ConvForward.Packed)
            {
                EmitPackedForward(writer, layer, plan);
                return;
            }

            EmitBlockedCorrelation(
                writer,
                layer,
                new Correlation(
                    Width: plan.Width,
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
                    RowsPerBlock: plan.ForwardRowsPerBlock,
                    Initial: CorrelationStart.Biases,
                    Paired: plan.PairsForwardFilters,
                    NextKernel: plan.PairsForwardFilters ? "weights + " + ConvConnections.KernelOffset(layer, "(o + 1)") : null),
                map => ActivationEmitter.EmitForward(writer, layer.Spec.Activation, map, MapSize(p, "Output")));
        }

        /// <summary>The backward pass along <paramref name="plan"/>, or along the portable paths when it is null.</summary>
        private static void EmitBackwardBody(CodeWriter writer, LayerModel layer, bool inputGradientOptional, ConvPlan? plan)
        {
            string p = layer.Identifier;
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
            switch (plan?.WeightGradient ?? ConvWeightGradient.Portable)
            {
                case ConvWeightGradient.Blocked: EmitBlockedWeightGradient(writer, layer, plan!); break;
                case ConvWeightGradient.Packed: EmitPackedWeightGradient(writer, layer, plan!); break;
                default: EmitWeightGradient(writer, layer); break;
            }

            writer.Line();
            if (inputGradientOptional)
            {
                using (writer.Block("if (inputGradient == null)"))
                {
                    writer.Line("return;");
                }

                writer.Line();
            }

            switch (plan?.InputGradient ?? ConvInputGradient.Portable)
            {
                case ConvInputGradient.Scattered: EmitScatteredInputGradient(writer, layer, plan!); break;
                case ConvInputGradient.Padded: EmitPaddedInputGradient(writer, layer, plan!); break;
                default: EmitInputGradient(writer, layer); break;
            }
        }

        private static string MapSize(string p, string side) => p + side + "Height * " + p + side + "Width";
    }
}
