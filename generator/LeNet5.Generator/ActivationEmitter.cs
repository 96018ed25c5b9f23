using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// Activations fused into a layer's output: a call in the layer methods, and one helper per activation and pass.
    /// Derivatives are computed from the saved outputs y.
    /// </summary>
    internal static class ActivationEmitter
    {
        private const double ScaledTanhAmplitude = 1.7159;
        private const double ScaledTanhSlope = 2.0 / 3.0;

        public static string Name(ActivationKind activation) => ShapeInference.ActivationName(activation);

        private static string Helper(ActivationKind activation)
        {
            switch (activation)
            {
                case ActivationKind.Tanh: return "Tanh";
                case ActivationKind.Relu: return "Relu";
                case ActivationKind.Sigmoid: return "Sigmoid";
                case ActivationKind.ScaledTanh: return "ScaledTanh";
                default: return string.Empty;
            }
        }

        /// <summary>Applies the activation in place to <paramref name="length"/> values at <paramref name="pointer"/>.</summary>
        public static void EmitForward(CodeWriter writer, ActivationKind activation, string pointer, string length)
        {
            if (activation != ActivationKind.None)
            {
                writer.Line("Apply" + Helper(activation) + "(" + pointer + ", " + length + ");");
            }
        }

        /// <summary>Multiplies the output gradient in place by the activation's derivative, taken from the saved outputs.</summary>
        public static void EmitBackward(CodeWriter writer, ActivationKind activation, string gradient, string output, string length)
        {
            if (activation != ActivationKind.None)
            {
                writer.Line(Helper(activation) + "Backward(" + gradient + ", " + output + ", " + length + ");");
            }
        }

        /// <summary>Writes the helpers of every activation used by the network.</summary>
        public static void EmitHelpers(CodeWriter writer, IEnumerable<ActivationKind> used)
        {
            var seen = new HashSet<ActivationKind>();
            foreach (ActivationKind activation in used)
            {
                if (activation == ActivationKind.None || !seen.Add(activation))
                {
                    continue;
                }

                switch (activation)
                {
                    case ActivationKind.Tanh:
                        EmitScalarForward(writer, "Tanh", "tanh: y = tanh(x)", "MathF.Tanh(values[j])");
                        EmitBackwardHelper(
                            writer,
                            "Tanh",
                            "tanh: dy/dx = 1 - y^2",
                            new[] { "Vector256<float> one = Vector256.Create(1.0f);" },
                            "g * (one - (y * y))",
                            "gradient[j] * (1.0f - (y * y))");
                        break;

                    case ActivationKind.Relu:
                        writer.Line("// relu: y = max(x, 0)");
                        writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                        writer.Open("private static void ApplyRelu(float* values, int length)");
                        writer.Line("int j = 0;");
                        writer.Open("if (Vector256.IsHardwareAccelerated)");
                        writer.Open("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)");
                        writer.Line("Vector256.Store(Vector256.Max(Vector256.Load(values + j), Vector256<float>.Zero), values + j);");
                        writer.Close();
                        writer.Close();
                        writer.Line();
                        writer.Open("for (; j < length; j++)");
                        writer.Line("values[j] = values[j] > 0.0f ? values[j] : 0.0f;");
                        writer.Close();
                        writer.Close();
                        writer.Line();
                        EmitBackwardHelper(
                            writer,
                            "Relu",
                            "relu: dy/dx = 1 where y > 0, else 0",
                            new string[0],
                            "Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), g, Vector256<float>.Zero)",
                            "y > 0.0f ? gradient[j] : 0.0f");
                        break;

                    case ActivationKind.Sigmoid:
                        EmitScalarForward(writer, "Sigmoid", "sigmoid: y = 1 / (1 + exp(-x))", "1.0f / (1.0f + MathF.Exp(-values[j]))");
                        EmitBackwardHelper(
                            writer,
                            "Sigmoid",
                            "sigmoid: dy/dx = y (1 - y)",
                            new[] { "Vector256<float> one = Vector256.Create(1.0f);" },
                            "g * (y * (one - y))",
                            "gradient[j] * (y * (1.0f - y))");
                        break;

                    case ActivationKind.ScaledTanh:
                    {
                        string amplitude = CodeWriter.Float(ScaledTanhAmplitude);
                        string slope = CodeWriter.Float(ScaledTanhSlope);
                        string scale = CodeWriter.Float(ScaledTanhSlope / ScaledTanhAmplitude);
                        string square = CodeWriter.Float(ScaledTanhAmplitude * ScaledTanhAmplitude);
                        EmitScalarForward(
                            writer,
                            "ScaledTanh",
                            "scaled_tanh: y = 1.7159 tanh(2x/3)",
                            amplitude + " * MathF.Tanh(" + slope + " * values[j])");
                        EmitBackwardHelper(
                            writer,
                            "ScaledTanh",
                            "scaled_tanh: dy/dx = (2/3) / 1.7159 * (1.7159^2 - y^2)",
                            new[]
                            {
                                "Vector256<float> scale = Vector256.Create(" + scale + ");",
                                "Vector256<float> square = Vector256.Create(" + square + ");",
                            },
                            "g * (scale * (square - (y * y)))",
                            "gradient[j] * (" + scale + " * (" + square + " - (y * y)))");
                        break;
                    }
                }
            }
        }

        private static void EmitScalarForward(CodeWriter writer, string name, string comment, string expression)
        {
            writer.Line("// " + comment);
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            writer.Open("private static void Apply" + name + "(float* values, int length)");
            writer.Open("for (int j = 0; j < length; j++)");
            writer.Line("values[j] = " + expression + ";");
            writer.Close();
            writer.Close();
            writer.Line();
        }

        private static void EmitBackwardHelper(CodeWriter writer, string name, string comment, string[] vectorConstants, string vectorExpression, string scalarExpression)
        {
            writer.Line("// " + comment + "; multiplies the gradient in place");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            writer.Open("private static void " + name + "Backward(float* gradient, float* output, int length)");
            writer.Line("int j = 0;");
            writer.Open("if (Vector256.IsHardwareAccelerated)");
            foreach (string constant in vectorConstants)
            {
                writer.Line(constant);
            }

            writer.Open("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)");
            writer.Line("Vector256<float> y = Vector256.Load(output + j);");
            writer.Line("Vector256<float> g = Vector256.Load(gradient + j);");
            writer.Line("Vector256.Store(" + vectorExpression + ", gradient + j);");
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Open("for (; j < length; j++)");
            writer.Line("float y = output[j];");
            writer.Line("gradient[j] = " + scalarExpression + ";");
            writer.Close();
            writer.Close();
            writer.Line();
        }
    }
}
