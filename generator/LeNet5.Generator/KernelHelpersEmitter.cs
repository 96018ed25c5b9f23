using System;

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
    }

    /// <summary>
    /// The vector kernels shared by the layers: dot product, sum and y += a x over contiguous floats, with Vector256
    /// (or Vector128 where 256-bit vectors are not accelerated) and FMA where the hardware has it. They are inlined
    /// into every call, where the length is a constant, so the JIT drops the branches that cannot run. Only the kernels
    /// the network's layers use are written (with those they call), like the Regex generator's helpers.
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

        private const string DotText = """
            // sum of a[j] * b[j] for j < length
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static float Dot(float* a, float* b, int length)
            {
                int j = 0;
                float sum = 0.0f;
                if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
                {
                    Vector256<float> sum0 = Vector256<float>.Zero;
                    Vector256<float> sum1 = Vector256<float>.Zero;
                    for (; j <= length - (2 * Vector256<float>.Count); j += 2 * Vector256<float>.Count)
                    {
                        sum0 = MultiplyAdd(Vector256.Load(a + j), Vector256.Load(b + j), sum0);
                        sum1 = MultiplyAdd(Vector256.Load(a + j + Vector256<float>.Count), Vector256.Load(b + j + Vector256<float>.Count), sum1);
                    }

                    if (j <= length - Vector256<float>.Count)
                    {
                        sum0 = MultiplyAdd(Vector256.Load(a + j), Vector256.Load(b + j), sum0);
                        j += Vector256<float>.Count;
                    }

                    sum = Vector256.Sum(sum0 + sum1);
                }
                else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
                {
                    Vector128<float> vectorSum = Vector128<float>.Zero;
                    for (; j <= length - Vector128<float>.Count; j += Vector128<float>.Count)
                    {
                        vectorSum = MultiplyAdd(Vector128.Load(a + j), Vector128.Load(b + j), vectorSum);
                    }

                    sum = Vector128.Sum(vectorSum);
                }

                for (; j < length; j++)
                {
                    sum += a[j] * b[j];
                }

                return sum;
            }
            """;

        private const string SumText = """
            // sum of values[j] for j < length
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static float Sum(float* values, int length)
            {
                int j = 0;
                float sum = 0.0f;
                if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
                {
                    Vector256<float> vectorSum = Vector256<float>.Zero;
                    for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)
                    {
                        vectorSum += Vector256.Load(values + j);
                    }

                    sum = Vector256.Sum(vectorSum);
                }
                else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
                {
                    Vector128<float> vectorSum = Vector128<float>.Zero;
                    for (; j <= length - Vector128<float>.Count; j += Vector128<float>.Count)
                    {
                        vectorSum += Vector128.Load(values + j);
                    }

                    sum = Vector128.Sum(vectorSum);
                }

                for (; j < length; j++)
                {
                    sum += values[j];
                }

                return sum;
            }
            """;

        private const string AddWeightedRowsText = """
            // target[k] += sum over j < count of weights[j * weightStride] * rows[(j * rowStride) + k], for k < length:
            // 64 columns at a time in 8 accumulators, so each target element is loaded and stored once
            private static void AddWeightedRows(float* target, float* weights, int weightStride, float* rows, int rowStride, int length, int count)
            {
                int k = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; k <= length - (8 * Vector256<float>.Count); k += 8 * Vector256<float>.Count)
                    {
                        Vector256<float> sum0 = Vector256.Load(target + k);
                        Vector256<float> sum1 = Vector256.Load(target + k + 8);
                        Vector256<float> sum2 = Vector256.Load(target + k + 16);
                        Vector256<float> sum3 = Vector256.Load(target + k + 24);
                        Vector256<float> sum4 = Vector256.Load(target + k + 32);
                        Vector256<float> sum5 = Vector256.Load(target + k + 40);
                        Vector256<float> sum6 = Vector256.Load(target + k + 48);
                        Vector256<float> sum7 = Vector256.Load(target + k + 56);
                        float* row = rows + k;
                        for (int j = 0; j < count; j++, row += rowStride)
                        {
                            Vector256<float> weight = Vector256.Create(weights[j * weightStride]);
                            sum0 = MultiplyAdd(weight, Vector256.Load(row), sum0);
                            sum1 = MultiplyAdd(weight, Vector256.Load(row + 8), sum1);
                            sum2 = MultiplyAdd(weight, Vector256.Load(row + 16), sum2);
                            sum3 = MultiplyAdd(weight, Vector256.Load(row + 24), sum3);
                            sum4 = MultiplyAdd(weight, Vector256.Load(row + 32), sum4);
                            sum5 = MultiplyAdd(weight, Vector256.Load(row + 40), sum5);
                            sum6 = MultiplyAdd(weight, Vector256.Load(row + 48), sum6);
                            sum7 = MultiplyAdd(weight, Vector256.Load(row + 56), sum7);
                        }

                        Vector256.Store(sum0, target + k);
                        Vector256.Store(sum1, target + k + 8);
                        Vector256.Store(sum2, target + k + 16);
                        Vector256.Store(sum3, target + k + 24);
                        Vector256.Store(sum4, target + k + 32);
                        Vector256.Store(sum5, target + k + 40);
                        Vector256.Store(sum6, target + k + 48);
                        Vector256.Store(sum7, target + k + 56);
                    }

                    for (; k <= length - Vector256<float>.Count; k += Vector256<float>.Count)
                    {
                        Vector256<float> sum = Vector256.Load(target + k);
                        float* row = rows + k;
                        for (int j = 0; j < count; j++, row += rowStride)
                        {
                            sum = MultiplyAdd(Vector256.Create(weights[j * weightStride]), Vector256.Load(row), sum);
                        }

                        Vector256.Store(sum, target + k);
                    }
                }

                for (; k < length; k++)
                {
                    float sum = target[k];
                    for (int j = 0; j < count; j++)
                    {
                        sum += weights[j * weightStride] * rows[(j * rowStride) + k];
                    }

                    target[k] = sum;
                }
            }
            """;

        private const string AxpyText = """
            // y[j] += a * x[j] for j < length
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Axpy(float a, float* x, float* y, int length)
            {
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    Vector256<float> scale = Vector256.Create(a);
                    for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)
                    {
                        Vector256.Store(MultiplyAdd(scale, Vector256.Load(x + j), Vector256.Load(y + j)), y + j);
                    }
                }
                else if (Vector128.IsHardwareAccelerated)
                {
                    Vector128<float> scale = Vector128.Create(a);
                    for (; j <= length - Vector128<float>.Count; j += Vector128<float>.Count)
                    {
                        Vector128.Store(MultiplyAdd(scale, Vector128.Load(x + j), Vector128.Load(y + j)), y + j);
                    }
                }

                for (; j < length; j++)
                {
                    y[j] += a * x[j];
                }
            }
            """;

        /// <summary>Writes the kernels in <paramref name="needed"/> and those they call, in a fixed order.</summary>
        public static void Emit(CodeWriter writer, KernelHelpers needed)
        {
            if ((needed & (KernelHelpers.Dot | KernelHelpers.AddWeightedRows | KernelHelpers.Axpy)) != 0)
            {
                needed |= KernelHelpers.MultiplyAdd;
            }

            bool first = true;
            Write(KernelHelpers.MultiplyAdd, MultiplyAddText);
            Write(KernelHelpers.Dot, DotText);
            Write(KernelHelpers.Sum, SumText);
            Write(KernelHelpers.AddWeightedRows, AddWeightedRowsText);
            Write(KernelHelpers.Axpy, AxpyText);

            void Write(KernelHelpers helper, string text)
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
                writer.Lines(text);
            }
        }
    }
}
