using System;
using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// 2x2 windows of stride 2 taken a vector at a time, on maps at least a vector of windows wide (the last vector of a
    /// row may overlap the one before): the window sums of average pooling and trainable subsampling, the window maxima
    /// of max pooling, and the backward spreading of one value per window to its four inputs. Two widths: 256-bit with
    /// AVX2 (eight windows), and 128-bit (four windows) on x64 SSE, ARM64 and, through cross-platform shuffles,
    /// elsewhere. AVX-512 hardware takes the AVX2 kernel: these layers are a small share of the network's work. Every
    /// width adds, scales and compares in the window-by-window loop's order, so all give its bits.
    /// </summary>
    internal static class Windows2x2Emitter
    {
        /// <summary>The widths with a window kernel, widest first.</summary>
        private static readonly VectorWidth[] KernelWidths = { VectorWidth.Bits256, VectorWidth.Bits128 };

        /// <summary>The widths whose kernel applies to the layer (2x2 windows, a row at least one vector wide), widest first.</summary>
        public static IReadOnlyList<VectorWidth> Widths(LayerModel layer)
        {
            var widths = new List<VectorWidth>();
            foreach (VectorWidth width in KernelWidths)
            {
                if (layer.Spec.Kernel == 2 && layer.Output.Width >= width.Lanes)
                {
                    widths.Add(width);
                }
            }

            return widths;
        }

        /// <summary>The helpers the window kernels of these widths call.</summary>
        public static KernelHelpers Helpers(IReadOnlyList<VectorWidth> widths)
        {
            foreach (VectorWidth width in widths)
            {
                if (width == VectorWidth.Bits128)
                {
                    return KernelHelpers.EvenOddLanes;
                }
            }

            return KernelHelpers.None;
        }

        /// <summary>When a width's kernel can run: its shuffles are AVX2's at 256 bits, any 128-bit SIMD's at 128.</summary>
        private static string Condition(VectorWidth width) => width == VectorWidth.Bits256 ? "Avx2.IsSupported" : width.IsAccelerated;

        /// <summary>
        /// The layer's method <paramref name="name"/>: with window kernels of some <paramref name="widths"/>, a dispatcher to one method per width
        /// (<paramref name="vector"/> writes its body) and the window-by-window method <c>{name}Portable</c>
        /// (<paramref name="portable"/>), the reference and the path of hardware without SIMD; otherwise that method alone,
        /// named <paramref name="name"/>.
        /// </summary>
        public static void EmitMethods(
            CodeWriter writer,
            LayerModel layer,
            IReadOnlyList<VectorWidth> widths,
            string name,
            string parameters,
            string arguments,
            Action<VectorWidth> vector,
            Action portable)
        {
            string method = layer.Identifier + name;
            if (widths.Count == 0)
            {
                using (writer.Block("private static void " + method + parameters))
                {
                    portable();
                }

                return;
            }

            using (writer.Block("private static void " + method + parameters))
            {
                // hardware with a wider kernel that does not apply goes window by window rather than to a narrower
                // kernel, so that AVX2 machines sum a narrow map's subsampling gradient in the order they always did
                var branches = new List<(string, string)>();
                string unused = string.Empty;
                foreach (VectorWidth width in KernelWidths)
                {
                    if (widths.Contains(width))
                    {
                        branches.Add((Condition(width) + unused, method + width.Suffix + arguments + ";"));
                    }
                    else
                    {
                        unused += " && !" + Condition(width);
                    }
                }

                if (unused.Length > 0)
                {
                    writer.Line("// hardware whose wider kernel does not fit this map goes window by window, as it always did (a narrower kernel would sum a subsampling gradient in another order)");
                }

                writer.FirstOf(branches, () => writer.Line(method + "Portable" + arguments + ";"));
            }

            foreach (VectorWidth width in widths)
            {
                writer.Line();
                writer.Line("// " + layer.Spec.Name + ": the same, " + width.Lanes + " windows at a time");
                using (writer.Block("private static void " + method + width.Suffix + parameters))
                {
                    vector(width);
                }
            }

            writer.Line();
            writer.Line("// " + layer.Spec.Name + ": the same, window by window, for hardware without SIMD");
            using (writer.Block("private static void " + method + "Portable" + parameters))
            {
                portable();
            }
        }

        /// <summary>Window where each vector of a row starts: 0, lanes, 2 lanes, ... and a last one ending at the row's end.</summary>
        public static int[] VectorStarts(LayerModel layer, VectorWidth width)
        {
            int count = layer.Output.Width;
            var starts = new List<int>();
            for (int start = 0; start + width.Lanes <= count; start += width.Lanes)
            {
                starts.Add(start);
            }

            if (count % width.Lanes != 0)
            {
                starts.Add(count - width.Lanes);
            }

            return starts.ToArray();
        }

        /// <summary>
        /// For every map c: plane (of <paramref name="inputs"/>) and map (of <paramref name="windows"/>), then
        /// <paramref name="perMap"/>; for every row y of windows: top and bottom, its two input rows, and row, its row of
        /// windows; <paramref name="vector"/> writes the work on the vector of windows from start on, in a block of its
        /// own, and <paramref name="afterMap"/> what follows each map.
        /// </summary>
        public static void EmitLoops(
            CodeWriter writer,
            LayerModel layer,
            VectorWidth width,
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
                    foreach (int start in VectorStarts(layer, width))
                    {
                        writer.Line();
                        writer.Line("// windows " + start + " to " + (start + width.Lanes - 1));
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
        /// sum: the sums of the vector of windows from start on, added in the window-by-window loop's order,
        /// ((0 + top left) + top right) + bottom left) + bottom right, so both give the same bits. At 256 bits the
        /// shuffles (0b10_00_10_00 the windows' left, even, columns; 0b11_01_11_01 their right, odd, ones) leave the
        /// windows in the lane order 0 1 4 5 2 3 6 7 that <see cref="InOrder"/> puts back; at 128 bits they stay in order.
        /// </summary>
        public static void EmitSums(CodeWriter writer, VectorWidth width, int start)
        {
            writer.Line(width == VectorWidth.Bits256
                ? "// sums in the lane order 0 1 4 5 2 3 6 7: the shuffles pick the left (even), then the right (odd) columns"
                : "// sums in order: the left (even), then the right (odd) columns");
            EmitWindowValues(writer, width, start, (column, value) => writer.Line(column == 0
                ? width.Type + " sum = " + width.Zero + " + " + value + ";"
                : "sum += " + value + ";"));
        }

        /// <summary>
        /// best: the maxima of the vector of windows from start on, as the window-by-window loop picks them (top left,
        /// then each later value that is greater), so both give the same bits; in the lane order of <see cref="EmitSums"/>.
        /// </summary>
        public static void EmitMaxima(CodeWriter writer, VectorWidth width, int start)
        {
            writer.Line(width == VectorWidth.Bits256
                ? "// maxima in the lane order 0 1 4 5 2 3 6 7: the shuffles pick the left (even), then the right (odd) columns"
                : "// maxima in order: the left (even), then the right (odd) columns");
            EmitWindowValues(writer, width, start, (column, value) =>
            {
                if (column == 0)
                {
                    writer.Line(width.Type + " best = " + value + ";");
                    return;
                }

                writer.Line((column == 1 ? width.Type + " " : string.Empty) + "value = " + value + ";");
                writer.Line("best = " + width.Vector + ".ConditionalSelect(" + width.Vector + ".GreaterThan(value, best), value, best);");
            });
        }

        /// <summary>
        /// Loads the two input rows of the vector of windows from start on and hands <paramref name="take"/> each of the
        /// windows' four columns (0 to 3: top left, top right, bottom left, bottom right), the window-by-window loop's order.
        /// </summary>
        private static void EmitWindowValues(CodeWriter writer, VectorWidth width, int start, Action<int, string> take)
        {
            bool avx2 = width == VectorWidth.Bits256;
            string even(string low, string high) => avx2 ? "Avx.Shuffle(" + low + ", " + high + ", 0b10_00_10_00)" : "EvenLanes(" + low + ", " + high + ")";
            string odd(string low, string high) => avx2 ? "Avx.Shuffle(" + low + ", " + high + ", 0b11_01_11_01)" : "OddLanes(" + low + ", " + high + ")";
            writer.Line(width.Type + " topLow = " + width.Load("top" + Plus(2 * start)) + ";");
            writer.Line(width.Type + " topHigh = " + width.Load("top" + Plus((2 * start) + width.Lanes)) + ";");
            writer.Line(width.Type + " bottomLow = " + width.Load("bottom" + Plus(2 * start)) + ";");
            writer.Line(width.Type + " bottomHigh = " + width.Load("bottom" + Plus((2 * start) + width.Lanes)) + ";");
            take(0, even("topLow", "topHigh"));
            take(1, odd("topLow", "topHigh"));
            take(2, even("bottomLow", "bottomHigh"));
            take(3, odd("bottomLow", "bottomHigh"));
        }

        /// <summary>The lanes of a vector computed from <see cref="EmitSums"/>' sum, in window order.</summary>
        public static string InOrder(VectorWidth width, string vector)
            => width == VectorWidth.Bits256
                ? "Avx2.Permute4x64(" + (vector.IndexOf(' ') < 0 ? vector : "(" + vector + ")") + ".AsDouble(), 0b11_01_10_00).AsSingle()"
                : vector;

        /// <summary>
        /// Writes <paramref name="value"/> (one lane per window, in order) to the four inputs of the vector of windows
        /// from start on: each lane doubled, the same into top and bottom.
        /// </summary>
        public static void EmitSpread(CodeWriter writer, VectorWidth width, int start, string value)
        {
            if (width == VectorWidth.Bits256)
            {
                writer.Line("// each window's value twice, in order: the unpacks give windows 0 0 1 1 4 4 5 5 and 2 2 3 3 6 6 7 7, the lane swaps");
                writer.Line("// make them 0 0 1 1 2 2 3 3 and 4 4 5 5 6 6 7 7");
                writer.Line("Vector256<float> low = Avx.UnpackLow(" + value + ", " + value + ");");
                writer.Line("Vector256<float> high = Avx.UnpackHigh(" + value + ", " + value + ");");
                writer.Line("Vector256<float> first = Avx.Permute2x128(low, high, 0x20);");
                writer.Line("Vector256<float> second = Avx.Permute2x128(low, high, 0x31);");
            }
            else
            {
                writer.Line("// each window's value twice, in order: windows 0 0 1 1 and 2 2 3 3");
                writer.Line(width.Type + " first = " + width.Vector + ".Shuffle(" + value + ", " + width.Vector + ".Create(0, 0, 1, 1));");
                writer.Line(width.Type + " second = " + width.Vector + ".Shuffle(" + value + ", " + width.Vector + ".Create(2, 2, 3, 3));");
            }

            writer.Line(width.Store("first", "top" + Plus(2 * start)));
            writer.Line(width.Store("second", "top" + Plus((2 * start) + width.Lanes)));
            writer.Line(width.Store("first", "bottom" + Plus(2 * start)));
            writer.Line(width.Store("second", "bottom" + Plus((2 * start) + width.Lanes)));
        }

        /// <summary>" + offset", or nothing for 0.</summary>
        public static string Plus(int offset) => offset == 0 ? string.Empty : " + " + CodeWriter.Int(offset);
    }
}
