using System;
using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// 2x2 windows of stride 2 taken eight at a time with AVX2, on maps at least eight windows wide (the last vector of a
    /// row may overlap the one before): the window sums of average pooling and trainable subsampling, and the backward
    /// spreading of one value per window to its four inputs.
    /// </summary>
    internal static class Windows2x2Emitter
    {
        public static bool Applies(LayerModel layer) => layer.Spec.Kernel == 2 && layer.Output.Width >= 8;

        /// <summary>Window where each vector of a row starts: 0, 8, 16, ... and a last one ending at the row's end.</summary>
        public static int[] VectorStarts(LayerModel layer)
        {
            int width = layer.Output.Width;
            var starts = new List<int>();
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

        /// <summary>Sends hardware without AVX2 to the window-by-window method.</summary>
        public static void EmitPortableDispatch(CodeWriter writer, string call)
        {
            using (writer.Block("if (!Avx2.IsSupported)"))
            {
                writer.Line(call);
                writer.Line("return;");
            }

            writer.Line();
        }

        /// <summary>
        /// For every map c: plane (of <paramref name="inputs"/>) and map (of <paramref name="windows"/>), then
        /// <paramref name="perMap"/>; for every row y of windows: top and bottom, its two input rows, and row, its row of
        /// windows; <paramref name="vector"/> writes the work on windows start .. start + 7 of the row, in a block of its
        /// own, and <paramref name="afterMap"/> what follows each map.
        /// </summary>
        public static void EmitLoops(
            CodeWriter writer,
            LayerModel layer,
            string inputs,
            string windows,
            IEnumerable<string> perMap,
            Action<int> vector,
            Action? afterMap = null)
        {
            string p = layer.Identifier;
            using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
            {
                writer.Line("float* plane = " + inputs + " + (c * " + p + "InputHeight * " + p + "InputWidth);");
                writer.Line("float* map = " + windows + " + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                foreach (string line in perMap)
                {
                    writer.Line(line);
                }

                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                {
                    writer.Line("float* top = plane + (y * " + p + "PoolSize * " + p + "InputWidth);");
                    writer.Line("float* bottom = top + " + p + "InputWidth;");
                    writer.Line("float* row = map + (y * " + p + "OutputWidth);");
                    foreach (int start in VectorStarts(layer))
                    {
                        writer.Line();
                        writer.Line("// windows " + start + " to " + (start + 7));
                        using (writer.Block())
                        {
                            vector(start);
                        }
                    }
                }

                if (afterMap != null)
                {
                    writer.Line();
                    afterMap();
                }
            }
        }

        /// <summary>
        /// sum: the sums of windows start .. start + 7 of top and bottom, added in the window-by-window loop's order,
        /// ((0 + top left) + top right) + bottom left) + bottom right, so both give the same bits. Shuffle 0b10_00_10_00
        /// picks the windows' left (even) columns, 0b11_01_11_01 their right (odd) ones, both in the lane order
        /// 0 1 4 5 2 3 6 7 that <see cref="InOrder"/> puts back.
        /// </summary>
        public static void EmitSums(CodeWriter writer, int start)
        {
            string left = start == 0 ? string.Empty : " + " + (2 * start);
            string right = " + " + ((2 * start) + 8);
            writer.Line("// sums in the lane order 0 1 4 5 2 3 6 7: the shuffles pick the left (even), then the right (odd) columns");
            writer.Line("Vector256<float> topLow = Vector256.Load(top" + left + ");");
            writer.Line("Vector256<float> topHigh = Vector256.Load(top" + right + ");");
            writer.Line("Vector256<float> bottomLow = Vector256.Load(bottom" + left + ");");
            writer.Line("Vector256<float> bottomHigh = Vector256.Load(bottom" + right + ");");
            writer.Line("Vector256<float> sum = Vector256<float>.Zero + Avx.Shuffle(topLow, topHigh, 0b10_00_10_00);");
            writer.Line("sum += Avx.Shuffle(topLow, topHigh, 0b11_01_11_01);");
            writer.Line("sum += Avx.Shuffle(bottomLow, bottomHigh, 0b10_00_10_00);");
            writer.Line("sum += Avx.Shuffle(bottomLow, bottomHigh, 0b11_01_11_01);");
        }

        /// <summary>The lanes of a vector in the order of <see cref="EmitSums"/> (0 1 4 5 2 3 6 7), put back in order.</summary>
        public static string InOrder(string vector)
            => "Avx2.Permute4x64(" + (vector.IndexOf(' ') < 0 ? vector : "(" + vector + ")") + ".AsDouble(), 0b11_01_10_00).AsSingle()";

        /// <summary>
        /// Writes <paramref name="value"/> (one lane per window, in order) to the four inputs of windows start .. start + 7:
        /// each lane doubled (the unpacks give windows 0 0 1 1 4 4 5 5 and 2 2 3 3 6 6 7 7, the lane swaps put them in
        /// order), the same into top and bottom.
        /// </summary>
        public static void EmitSpread(CodeWriter writer, int start, string value)
        {
            string left = start == 0 ? string.Empty : " + " + (2 * start);
            string right = " + " + ((2 * start) + 8);
            writer.Line("// each window's value twice, in order: the unpacks give windows 0 0 1 1 4 4 5 5 and 2 2 3 3 6 6 7 7, the lane swaps");
            writer.Line("// make them 0 0 1 1 2 2 3 3 and 4 4 5 5 6 6 7 7");
            writer.Line("Vector256<float> low = Avx.UnpackLow(" + value + ", " + value + ");");
            writer.Line("Vector256<float> high = Avx.UnpackHigh(" + value + ", " + value + ");");
            writer.Line("Vector256<float> first = Avx.Permute2x128(low, high, 0x20);");
            writer.Line("Vector256<float> second = Avx.Permute2x128(low, high, 0x31);");
            writer.Line("Vector256.Store(first, top" + left + ");");
            writer.Line("Vector256.Store(second, top" + right + ");");
            writer.Line("Vector256.Store(first, bottom" + left + ");");
            writer.Line("Vector256.Store(second, bottom" + right + ");");
        }
    }
}
