namespace LeNet5.Generator
{
    /// <summary>
    /// The vector kernels shared by the layers: dot product, sum and y += a x over contiguous floats, with Vector256
    /// (or Vector128 where 256-bit vectors are not accelerated) and FMA where the hardware has it. They are inlined
    /// into every call, where the length is a constant, so the JIT drops the branches that cannot run.
    /// </summary>
    internal static class KernelHelpersEmitter
    {
        public static void Emit(CodeWriter writer)
        {
            writer.Line("// a * b + c, fused where the hardware can");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)"))
            {
                writer.Line("return Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;");
            }

            writer.Line();

            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)"))
            {
                writer.Line("return Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b) : (a * b) + c;");
            }

            writer.Line();

            writer.Line("// sum of a[j] * b[j] for j < length");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static float Dot(float* a, float* b, int length)"))
            {
                writer.Line("int j = 0;");
                writer.Line("float sum = 0.0f;");
                using (writer.Block("if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)"))
                {
                    writer.Line("Vector256<float> sum0 = Vector256<float>.Zero;");
                    writer.Line("Vector256<float> sum1 = Vector256<float>.Zero;");
                    using (writer.Block("for (; j <= length - (2 * Vector256<float>.Count); j += 2 * Vector256<float>.Count)"))
                    {
                        writer.Line("sum0 = MultiplyAdd(Vector256.Load(a + j), Vector256.Load(b + j), sum0);");
                        writer.Line("sum1 = MultiplyAdd(Vector256.Load(a + j + Vector256<float>.Count), Vector256.Load(b + j + Vector256<float>.Count), sum1);");
                    }

                    writer.Line();
                    using (writer.Block("if (j <= length - Vector256<float>.Count)"))
                    {
                        writer.Line("sum0 = MultiplyAdd(Vector256.Load(a + j), Vector256.Load(b + j), sum0);");
                        writer.Line("j += Vector256<float>.Count;");
                    }

                    writer.Line();
                    writer.Line("sum = Vector256.Sum(sum0 + sum1);");
                }

                writer.Line("else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)");
                using (writer.Block())
                {
                    writer.Line("Vector128<float> vectorSum = Vector128<float>.Zero;");
                    using (writer.Block("for (; j <= length - Vector128<float>.Count; j += Vector128<float>.Count)"))
                    {
                        writer.Line("vectorSum = MultiplyAdd(Vector128.Load(a + j), Vector128.Load(b + j), vectorSum);");
                    }

                    writer.Line();
                    writer.Line("sum = Vector128.Sum(vectorSum);");
                }

                writer.Line();
                using (writer.Block("for (; j < length; j++)"))
                {
                    writer.Line("sum += a[j] * b[j];");
                }

                writer.Line();
                writer.Line("return sum;");
            }

            writer.Line();

            writer.Line("// sum of values[j] for j < length");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static float Sum(float* values, int length)"))
            {
                writer.Line("int j = 0;");
                writer.Line("float sum = 0.0f;");
                using (writer.Block("if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)"))
                {
                    writer.Line("Vector256<float> vectorSum = Vector256<float>.Zero;");
                    using (writer.Block("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)"))
                    {
                        writer.Line("vectorSum += Vector256.Load(values + j);");
                    }

                    writer.Line();
                    writer.Line("sum = Vector256.Sum(vectorSum);");
                }

                writer.Line("else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)");
                using (writer.Block())
                {
                    writer.Line("Vector128<float> vectorSum = Vector128<float>.Zero;");
                    using (writer.Block("for (; j <= length - Vector128<float>.Count; j += Vector128<float>.Count)"))
                    {
                        writer.Line("vectorSum += Vector128.Load(values + j);");
                    }

                    writer.Line();
                    writer.Line("sum = Vector128.Sum(vectorSum);");
                }

                writer.Line();
                using (writer.Block("for (; j < length; j++)"))
                {
                    writer.Line("sum += values[j];");
                }

                writer.Line();
                writer.Line("return sum;");
            }

            writer.Line();

            writer.Line("// target[k] += sum over j < count of weights[j * weightStride] * rows[(j * rowStride) + k], for k < length:");
            writer.Line("// 64 columns at a time in 8 accumulators, so each target element is loaded and stored once");
            using (writer.Block("private static void AddWeightedRows(float* target, float* weights, int weightStride, float* rows, int rowStride, int length, int count)"))
            {
                writer.Line("int k = 0;");
                using (writer.Block("if (Vector256.IsHardwareAccelerated)"))
                {
                    using (writer.Block("for (; k <= length - (8 * Vector256<float>.Count); k += 8 * Vector256<float>.Count)"))
                    {
                        for (int i = 0; i < 8; i++)
                        {
                            writer.Line("Vector256<float> sum" + i + " = Vector256.Load(target + k" + (i == 0 ? string.Empty : " + " + (8 * i)) + ");");
                        }

                        writer.Line("float* row = rows + k;");
                        using (writer.Block("for (int j = 0; j < count; j++, row += rowStride)"))
                        {
                            writer.Line("Vector256<float> weight = Vector256.Create(weights[j * weightStride]);");
                            for (int i = 0; i < 8; i++)
                            {
                                writer.Line("sum" + i + " = MultiplyAdd(weight, Vector256.Load(row" + (i == 0 ? string.Empty : " + " + (8 * i)) + "), sum" + i + ");");
                            }
                        }

                        writer.Line();
                        for (int i = 0; i < 8; i++)
                        {
                            writer.Line("Vector256.Store(sum" + i + ", target + k" + (i == 0 ? string.Empty : " + " + (8 * i)) + ");");
                        }
                    }

                    writer.Line();
                    using (writer.Block("for (; k <= length - Vector256<float>.Count; k += Vector256<float>.Count)"))
                    {
                        writer.Line("Vector256<float> sum = Vector256.Load(target + k);");
                        writer.Line("float* row = rows + k;");
                        using (writer.Block("for (int j = 0; j < count; j++, row += rowStride)"))
                        {
                            writer.Line("sum = MultiplyAdd(Vector256.Create(weights[j * weightStride]), Vector256.Load(row), sum);");
                        }

                        writer.Line();
                        writer.Line("Vector256.Store(sum, target + k);");
                    }
                }

                writer.Line();
                using (writer.Block("for (; k < length; k++)"))
                {
                    writer.Line("float sum = target[k];");
                    using (writer.Block("for (int j = 0; j < count; j++)"))
                    {
                        writer.Line("sum += weights[j * weightStride] * rows[(j * rowStride) + k];");
                    }

                    writer.Line();
                    writer.Line("target[k] = sum;");
                }
            }

            writer.Line();

            writer.Line("// y[j] += a * x[j] for j < length");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static void Axpy(float a, float* x, float* y, int length)"))
            {
                writer.Line("int j = 0;");
                using (writer.Block("if (Vector256.IsHardwareAccelerated)"))
                {
                    writer.Line("Vector256<float> scale = Vector256.Create(a);");
                    using (writer.Block("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)"))
                    {
                        writer.Line("Vector256.Store(MultiplyAdd(scale, Vector256.Load(x + j), Vector256.Load(y + j)), y + j);");
                    }
                }

                writer.Line("else if (Vector128.IsHardwareAccelerated)");
                using (writer.Block())
                {
                    writer.Line("Vector128<float> scale = Vector128.Create(a);");
                    using (writer.Block("for (; j <= length - Vector128<float>.Count; j += Vector128<float>.Count)"))
                    {
                        writer.Line("Vector128.Store(MultiplyAdd(scale, Vector128.Load(x + j), Vector128.Load(y + j)), y + j);");
                    }
                }

                writer.Line();
                using (writer.Block("for (; j < length; j++)"))
                {
                    writer.Line("y[j] += a * x[j];");
                }
            }
        }
    }
}
