using System;
using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>The shared vector kernels a generated network can call; a layer kind says which of them its code uses.</summary>
    [Flags]
    internal enum KernelHelpers
    {
        None = 0,

        /// <summary><c>MultiplyAdd</c>: a * b + c on Vector512, Vector256 and Vector128, fused where the hardware can.</summary>
        MultiplyAdd = 1,

        /// <summary><c>Dot</c>: the dot product of two runs of floats (uses MultiplyAdd).</summary>
        Dot = 2,

        /// <summary><c>Sum</c>: the sum of a run of floats.</summary>
        Sum = 4,

        /// <summary><c>AddWeightedRows</c>: a weighted sum of rows added into a target (uses MultiplyAdd).</summary>
        AddWeightedRows = 8,

        /// <summary><c>Axpy</c>: y += a x over a run of floats (uses MultiplyAdd).</summary>
        Axpy = 16,

        /// <summary><c>EvenLanes</c>, <c>OddLanes</c>: the even or odd lanes of two Vector128 (the 128-bit 2x2 windows).</summary>
        EvenOddLanes = 32,
    }

    /// <summary>
    /// The vector kernels shared by the layers: dot product, sum, y += a x and weighted rows over contiguous floats. Each
    /// is written once for every width, as a method per width (<c>Dot512</c>, <c>Dot256</c>, <c>Dot128</c>: its vectors,
    /// then a scalar tail) and a dispatcher that calls the widest accelerated one, or runs the scalar loop on hardware
    /// without SIMD. They are inlined into every call, where the length is a constant, so the JIT drops the branches
    /// that cannot run. Only the kernels the network's layers use are written (with those they call), like the Regex
    /// generator's helpers.
    /// </summary>
    internal static class KernelHelpersEmitter
    {
        private const string MultiplyAddText = """
            // a * b + c, fused where the hardware can
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
            {
                return Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : (a * b) + c;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
            {
                return Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
            {
                return Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b) : (a * b) + c;
            }
            """;

        /// <summary>
        /// The even lanes of a then of b (a0 a2 b0 b2), or the odd ones (a1 a3 b1 b3): one instruction on x64 and ARM64;
        /// elsewhere (WebAssembly) each input's pair is shuffled into place and a select joins the two halves.
        /// </summary>
        private static readonly string EvenOddLanesText =
            "// the even lanes of a then of b (a0 a2 b0 b2), and the odd ones (a1 a3 b1 b3): one instruction on x64 and ARM64;\n"
            + "// elsewhere (WebAssembly) each input's pair is shuffled into place and a select joins the two halves\n"
            + LanesText("Even", "0b10_00_10_00", "0, 2, 1, 3", "1, 3, 0, 2") + "\n\n"
            + LanesText("Odd", "0b11_01_11_01", "1, 3, 0, 2", "0, 2, 1, 3");

        private static string LanesText(string parity, string sseControl, string fromA, string fromB) => $$"""
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<float> {{parity}}Lanes(Vector128<float> a, Vector128<float> b)
            {
                if (Sse.IsSupported)
                {
                    return Sse.Shuffle(a, b, {{sseControl}});
                }

                if (AdvSimd.Arm64.IsSupported)
                {
                    return AdvSimd.Arm64.Unzip{{parity}}(a, b);
                }

                return Vector128.ConditionalSelect(Vector128.Create(-1, -1, 0, 0).AsSingle(), Vector128.Shuffle(a, Vector128.Create({{fromA}})), Vector128.Shuffle(b, Vector128.Create({{fromB}})));
            }
            """;

        private static readonly Kernel Dot = new Kernel(
            "sum of a[j] * b[j] for j < length",
            "float",
            "Dot",
            "(float* a, float* b, int length)",
            "(a, b, length)",
            fullVector: true,
            inline: true,
            """
            int j = 0;
            float sum = 0.0f;
            """,
            (writer, w) => writer.Lines($$"""
                {{w.Type}} sum0 = {{w.Zero}};
                {{w.Type}} sum1 = {{w.Zero}};
                int j = 0;
                for (; j <= length - (2 * {{w.Count}}); j += 2 * {{w.Count}})
                {
                    sum0 = MultiplyAdd({{w.Load("a + j")}}, {{w.Load("b + j")}}, sum0);
                    sum1 = MultiplyAdd({{w.Load("a + j + " + w.Count)}}, {{w.Load("b + j + " + w.Count)}}, sum1);
                }

                if (j <= length - {{w.Count}})
                {
                    sum0 = MultiplyAdd({{w.Load("a + j")}}, {{w.Load("b + j")}}, sum0);
                    j += {{w.Count}};
                }

                float sum = {{w.Sum("sum0 + sum1")}};
                """),
            """
            for (; j < length; j++)
            {
                sum += a[j] * b[j];
            }

            return sum;
            """);

        private static readonly Kernel Sum = new Kernel(
            "sum of values[j] for j < length",
            "float",
            "Sum",
            "(float* values, int length)",
            "(values, length)",
            fullVector: true,
            inline: true,
            """
            int j = 0;
            float sum = 0.0f;
            """,
            (writer, w) => writer.Lines($$"""
                {{w.Type}} vectorSum = {{w.Zero}};
                int j = 0;
                for (; j <= length - {{w.Count}}; j += {{w.Count}})
                {
                    vectorSum += {{w.Load("values + j")}};
                }

                float sum = {{w.Sum("vectorSum")}};
                """),
            """
            for (; j < length; j++)
            {
                sum += values[j];
            }

            return sum;
            """);

        private static readonly Kernel AddWeightedRows = new Kernel(
            """
            target[k] += sum over j < count of weights[j * weightStride] * rows[(j * rowStride) + k], for k < length:
            eight vectors of columns at a time in 8 accumulators, so each target element is loaded and stored once
            (not inlined: it is large and runs long)
            """,
            "void",
            "AddWeightedRows",
            "(float* target, float* weights, int weightStride, float* rows, int rowStride, int length, int count)",
            "(target, weights, weightStride, rows, rowStride, length, count)",
            fullVector: false,
            inline: false,
            "int k = 0;",
            EmitAddWeightedRows,
            """
            for (; k < length; k++)
            {
                float sum = target[k];
                for (int j = 0; j < count; j++)
                {
                    sum += weights[j * weightStride] * rows[(j * rowStride) + k];
                }

                target[k] = sum;
            }
            """);

        private static readonly Kernel Axpy = new Kernel(
            "y[j] += a * x[j] for j < length",
            "void",
            "Axpy",
            "(float a, float* x, float* y, int length)",
            "(a, x, y, length)",
            fullVector: false,
            inline: true,
            "int j = 0;",
            (writer, w) => writer.Lines($$"""
                {{w.Type}} scale = {{w.Create("a")}};
                int j = 0;
                for (; j <= length - {{w.Count}}; j += {{w.Count}})
                {
                    {{w.Store("MultiplyAdd(scale, " + w.Load("x + j") + ", " + w.Load("y + j") + ")", "y + j")}}
                }
                """),
            """
            for (; j < length; j++)
            {
                y[j] += a * x[j];
            }
            """);

        /// <summary>Writes the kernels in <paramref name="needed"/> and those they call, in a fixed order.</summary>
        public static void Emit(CodeWriter writer, KernelHelpers needed)
        {
            if ((needed & (KernelHelpers.Dot | KernelHelpers.AddWeightedRows | KernelHelpers.Axpy)) != 0)
            {
                needed |= KernelHelpers.MultiplyAdd;
            }

            bool first = true;
            Write(KernelHelpers.MultiplyAdd, () => writer.Lines(MultiplyAddText));
            Write(KernelHelpers.Dot, () => Dot.Emit(writer));
            Write(KernelHelpers.Sum, () => Sum.Emit(writer));
            Write(KernelHelpers.AddWeightedRows, () => AddWeightedRows.Emit(writer));
            Write(KernelHelpers.Axpy, () => Axpy.Emit(writer));
            Write(KernelHelpers.EvenOddLanes, () => writer.Lines(EvenOddLanesText));

            void Write(KernelHelpers helper, Action emit)
            {
                if ((needed & helper) == 0)
                {
                    return;
                }

                if (!first)
                {
                    writer.Line();
                }

                first = false;
                emit();
            }
        }

        /// <summary>The vector part of AddWeightedRows: blocks of eight vectors of columns, then one vector at a time.</summary>
        private static void EmitAddWeightedRows(CodeWriter writer, VectorWidth w)
        {
            const int Accumulators = 8;
            string at(string pointer, int vector) => pointer + " + k" + (vector == 0 ? string.Empty : CodeWriter.Text($" + {vector * w.Lanes}"));
            writer.Line("int k = 0;");
            using (writer.Block(CodeWriter.Text($"for (; k <= length - ({Accumulators} * {w.Count}); k += {Accumulators} * {w.Count})")))
            {
                for (int v = 0; v < Accumulators; v++)
                {
                    writer.Line(CodeWriter.Text($"{w.Type} sum{v} = {w.Load(at("target", v))};"));
                }

                writer.Line("float* row = rows + k;");
                using (writer.Block("for (int j = 0; j < count; j++, row += rowStride)"))
                {
                    writer.Line(w.Type + " weight = " + w.Create("weights[j * weightStride]") + ";");
                    for (int v = 0; v < Accumulators; v++)
                    {
                        writer.Line(CodeWriter.Text($"sum{v} = MultiplyAdd(weight, {w.Load(v == 0 ? "row" : CodeWriter.Text($"row + {v * w.Lanes}"))}, sum{v});"));
                    }
                }

                writer.Line();
                for (int v = 0; v < Accumulators; v++)
                {
                    writer.Line(w.Store(CodeWriter.Text($"sum{v}"), at("target", v)));
                }
            }

            writer.Line();
            using (writer.Block("for (; k <= length - " + w.Count + "; k += " + w.Count + ")"))
            {
                writer.Line(w.Type + " sum = " + w.Load("target + k") + ";");
                writer.Line("float* row = rows + k;");
                using (writer.Block("for (int j = 0; j < count; j++, row += rowStride)"))
                {
                    writer.Line("sum = MultiplyAdd(" + w.Create("weights[j * weightStride]") + ", " + w.Load("row") + ", sum);");
                }

                writer.Line();
                writer.Line(w.Store("sum", "target + k"));
            }
        }

        /// <summary>
        /// One shared kernel: its dispatcher (the widest accelerated width, when the length fills at least one of its
        /// vectors if <c>fullVector</c>, else the scalar loop) and one method per width (its vector part, then the same
        /// scalar tail), inlined into its callers if <c>inline</c>.
        /// </summary>
        private sealed class Kernel
        {
            private readonly string _comment;
            private readonly string _returns;
            private readonly string _name;
            private readonly string _parameters;
            private readonly string _arguments;
            private readonly bool _fullVector;
            private readonly bool _inline;
            private readonly string _scalarStart;
            private readonly Action<CodeWriter, VectorWidth> _vector;
            private readonly string _tail;

            public Kernel(
                string comment,
                string returns,
                string name,
                string parameters,
                string arguments,
                bool fullVector,
                bool inline,
                string scalarStart,
                Action<CodeWriter, VectorWidth> vector,
                string tail)
            {
                _comment = comment;
                _returns = returns;
                _name = name;
                _parameters = parameters;
                _arguments = arguments;
                _fullVector = fullVector;
                _inline = inline;
                _scalarStart = scalarStart;
                _vector = vector;
                _tail = tail;
            }

            public void Emit(CodeWriter writer)
            {
                foreach (string line in _comment.Split('\n'))
                {
                    writer.Line("// " + line);
                }

                writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (writer.Block("private static " + _returns + " " + _name + _parameters))
                {
                    var branches = new List<(string, string)>();
                    foreach (VectorWidth width in VectorWidth.All)
                    {
                        string call = _name + width.Suffix + _arguments + ";";
                        branches.Add((
                            width.IsAccelerated + (_fullVector ? " && length >= " + width.Count : string.Empty),
                            _returns == "void" ? call : "return " + call));
                    }

                    writer.FirstOf(branches, () =>
                    {
                        writer.Lines(_scalarStart);
                        writer.Lines(_tail);
                    });
                }

                foreach (VectorWidth width in VectorWidth.All)
                {
                    writer.Line();
                    if (_inline)
                    {
                        writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                    }

                    using (writer.Block("private static " + _returns + " " + _name + width.Suffix + _parameters))
                    {
                        _vector(writer, width);
                        writer.Line();
                        writer.Lines(_tail);
                    }
                }
            }
        }
    }
}
