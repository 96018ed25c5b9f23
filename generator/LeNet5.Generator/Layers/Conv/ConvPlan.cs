using System;
using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>How a conv's forward pass is computed.</summary>
    internal enum ConvForward
    {
        /// <summary>One kernel tap at a time over output rows (any stride and padding), the only path.</summary>
        Portable,

        /// <summary>Blocks of output rows in vector accumulators, the taps of a kernel row unrolled; a portable fallback.</summary>
        Blocked,

        /// <summary>Input rows packed per kx so that each tap's window is one contiguous run; a portable fallback.</summary>
        Packed,
    }

    /// <summary>How a conv's weight gradient is computed.</summary>
    internal enum ConvWeightGradient
    {
        Portable,

        /// <summary>One vector accumulator per tap over rows of the output gradient (wide maps).</summary>
        Blocked,

        /// <summary>One vector accumulator per tap over packed, contiguous windows (narrow maps).</summary>
        Packed,
    }

    /// <summary>How a conv's input gradient is computed.</summary>
    internal enum ConvInputGradient
    {
        Portable,

        /// <summary>A blocked correlation of the zero-bordered output gradient with the flipped kernels (wide maps).</summary>
        Padded,

        /// <summary>Output-gradient rows spread to the input's row stride and gathered in registers (narrow maps).</summary>
        Scattered,
    }

    /// <summary>A plan a layer kind computes once, in shape inference, and keeps in its <see cref="LayerModel"/>.</summary>
    internal abstract record LayerPlan;

    /// <summary>
    /// A conv's plans, one per vector width, widest first (the order of <see cref="VectorWidth.All"/>): shape inference
    /// computes them once and the layer's model keeps them.
    /// </summary>
    internal sealed record ConvPlans(EquatableArray<ConvPlan> Widths) : LayerPlan
    {
        public static ConvPlans For(LayerSpec layer, Shape input, Shape output)
            => new ConvPlans(new EquatableArray<ConvPlan>(VectorWidth.All.Select(width => ConvPlan.For(layer, input, output, width))));

        /// <summary>The plans whose forward pass is vectorized: each gets a forward method of its width.</summary>
        public IEnumerable<ConvPlan> VectorForward => Widths.Where(plan => plan.Forward != ConvForward.Portable);

        /// <summary>The plans with a vectorized backward path: each gets a backward method of its width.</summary>
        public IEnumerable<ConvPlan> VectorBackward => Widths.Where(plan => plan.VectorBackward);

        /// <summary>Whichever width runs, the scratch it needs fits.</summary>
        public int ScratchSize => Widths.Max(plan => plan.ScratchSize);

        /// <summary>The comment on a pass that no width vectorizes.</summary>
        public static string DescribePortable(bool backward)
            => "plan (every width): " + (backward ? "weight gradient portable, input gradient portable" : "forward portable");
    }

    /// <summary>
    /// The strategy of one conv for one vector width, decided once from its shape (<see cref="For"/>), and written as a
    /// comment at the top of that width's methods. Every kernel the conv emits asks this plan, never the shape again.
    /// </summary>
    /// <param name="Width">The vector width the plan is for.</param>
    /// <param name="Forward">The forward path.</param>
    /// <param name="PairsForwardFilters">Two filters at once in the vector forward pass (each input load feeds both).</param>
    /// <param name="ForwardRowsPerBlock">Output rows per block of the blocked forward pass (0 when not blocked).</param>
    /// <param name="WeightGradient">The weight-gradient path.</param>
    /// <param name="PairsWeightGradientFilters">Two filters per input map at once in the vector weight gradient.</param>
    /// <param name="InputGradient">The input-gradient path.</param>
    /// <param name="InputGradientRowsPerBlock">Input rows per block of the padded input gradient (0 when not padded).</param>
    /// <param name="SpreadPlane">Floats per spread output-gradient map of the scattered input gradient (0 otherwise).</param>
    /// <param name="ScratchSize">Floats of per-image scratch the backward pass needs.</param>
    internal sealed record ConvPlan(
        VectorWidth Width,
        ConvForward Forward,
        bool PairsForwardFilters,
        int ForwardRowsPerBlock,
        ConvWeightGradient WeightGradient,
        bool PairsWeightGradientFilters,
        ConvInputGradient InputGradient,
        int InputGradientRowsPerBlock,
        int SpreadPlane,
        int ScratchSize)
    {
        /// <summary>Whether any backward path is vectorized (and so has a portable twin for other hardware).</summary>
        public bool VectorBackward => WeightGradient != ConvWeightGradient.Portable || InputGradient != ConvInputGradient.Portable;

        /// <summary>The plan of a conv with this spec, input and output, for vectors of <paramref name="width"/>.</summary>
        public static ConvPlan For(LayerSpec layer, Shape input, Shape output, VectorWidth width)
        {
            int lanes = width.Lanes;
            bool plain = layer.Stride == 1 && layer.Padding == 0;
            bool narrow = output.Width < 16;
            int kernel = layer.Kernel;

            // narrow maps whose packed input fits comfortably on the stack (at most 64 KB)
            bool packedForward = plain && narrow && output.Height * output.Width >= lanes
                && (long)input.Channels * kernel * input.Height * output.Width <= 16384;
            bool blockedForward = !packedForward && plain && CanBlock(output.Width, lanes);
            ConvForward forward = packedForward ? ConvForward.Packed : blockedForward ? ConvForward.Blocked : ConvForward.Portable;

            // the filters of a connection table read different input maps, so they go one at a time in the forward pass
            bool pairs = !layer.IsSparse && layer.Size % 2 == 0;
            bool pairsForward = forward == ConvForward.Packed ? pairs : forward == ConvForward.Blocked && pairs && 2 * VectorStarts(output.Width, lanes).Length <= 12;
            int forwardRows = forward == ConvForward.Blocked ? RowsPerBlock(output.Height, output.Width, width, pairsForward ? 2 : 1) : 0;

            ConvWeightGradient weightGradient =
                plain && !narrow && kernel <= 8 ? ConvWeightGradient.Blocked
                : plain && narrow && output.Height * output.Width >= lanes && kernel <= 8 ? ConvWeightGradient.Packed
                : ConvWeightGradient.Portable;
            bool pairsWeightGradient = kernel <= 6 && (layer.IsSparse || layer.Size >= 2);

            // narrow maps: a zero border would make most taps multiply zeros, so the gradient is scattered instead
            ConvInputGradient inputGradient =
                plain && narrow && output.Height * input.Width >= lanes ? ConvInputGradient.Scattered
                : plain && CanBlock(input.Width, lanes) ? ConvInputGradient.Padded
                : ConvInputGradient.Portable;
            int inputRows = inputGradient == ConvInputGradient.Padded ? RowsPerBlock(input.Height, input.Width, width) : 0;
            int spreadPlane = inputGradient == ConvInputGradient.Scattered
                ? kernel - 1 + (((output.Height * input.Width) + lanes - 1) / lanes * lanes)
                : 0;

            // the packed input rows of the weight gradient, then (reusing the space) the spread or bordered output gradient
            int scratch = 0;
            if (weightGradient == ConvWeightGradient.Packed)
            {
                scratch = input.Channels * kernel * input.Height * output.Width;
            }

            if (inputGradient == ConvInputGradient.Scattered)
            {
                scratch = Math.Max(scratch, output.Channels * spreadPlane);
            }
            else if (inputGradient == ConvInputGradient.Padded)
            {
                int border = 2 * (kernel - 1);
                scratch = Math.Max(scratch, output.Channels * (output.Height + border) * (output.Width + border));
            }

            return new ConvPlan(width, forward, pairsForward, forwardRows, weightGradient, pairsWeightGradient, inputGradient, inputRows, spreadPlane, scratch);
        }

        /// <summary>The plan as the comment at the top of a conv's methods.</summary>
        public string Describe(bool backward)
        {
            if (!backward)
            {
                return "plan (" + Width + "): forward " + Name(Forward)
                    + (PairsForwardFilters ? ", two filters at once" : string.Empty)
                    + (ForwardRowsPerBlock > 0 ? ", " + Rows(ForwardRowsPerBlock) + " per block" : string.Empty);
            }

            return "plan (" + Width + "): weight gradient " + Name(WeightGradient)
                + (WeightGradient != ConvWeightGradient.Portable && PairsWeightGradientFilters ? " (filters in pairs)" : string.Empty)
                + ", input gradient " + Name(InputGradient)
                + (InputGradientRowsPerBlock > 0 ? " (" + Rows(InputGradientRowsPerBlock) + " per block)" : string.Empty)
                + ", scratch " + ScratchSize + " floats";
        }

        private static string Rows(int rows) => rows == 1 ? "1 row" : rows + " rows";

        private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

        /// <summary>Rows this wide are covered by at most 8 vectors (the last one may overlap).</summary>
        public static bool CanBlock(int width, int lanes) => width >= lanes && VectorStarts(width, lanes).Length <= 8;

        /// <summary>Column where each vector of a row starts: 0, lanes, 2 lanes, ... and a last one ending at the row's end.</summary>
        public static int[] VectorStarts(int width, int lanes)
        {
            var starts = new List<int>();
            for (int start = 0; start + lanes <= width; start += lanes)
            {
                starts.Add(start);
            }

            if (width % lanes != 0)
            {
                starts.Add(width - lanes);
            }

            return starts.ToArray();
        }

        /// <summary>
        /// Output rows computed together (for <paramref name="maps"/> maps at once): enough for 8 vector accumulators
        /// (FMA latency times throughput), at most <see cref="MostAccumulators"/>, preferring a count that divides the
        /// height; leftover rows get a block of their own.
        /// </summary>
        private static int RowsPerBlock(int height, int width, VectorWidth vector, int maps = 1)
        {
            int vectors = VectorStarts(width, vector.Lanes).Length * maps;
            int most = Math.Max(1, MostAccumulators(vector) / vectors);
            int least = Math.Min(most, (8 + vectors - 1) / vectors);
            for (int rows = Math.Min(most, height); rows >= least; rows--)
            {
                if (height % rows == 0)
                {
                    return rows;
                }
            }

            return Math.Min(least, height);
        }

        /// <summary>
        /// The most vector accumulators a block of rows keeps. 256-bit: 12 of AVX2's 16 registers, as tuned there. 128-bit:
        /// 14, beside the broadcast weight and the input vector (measured with SSE alone, 16 registers: C1's 28-wide rows
        /// of 7 vectors go two at a time, clearly faster than one; ARM64 has 32). 512-bit: 12, unmeasured (AVX-512 has 32
        /// registers, and 16-lane rows are short, so blocks rarely reach the limit).
        /// </summary>
        private static int MostAccumulators(VectorWidth vector) => vector == VectorWidth.Bits128 ? 14 : 12;
    }
}
