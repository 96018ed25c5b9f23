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
            bool tanhEmitted = false;
            foreach (ActivationKind activation in used)
            {
                if (activation == ActivationKind.None || !seen.Add(activation))
                {
                    continue;
                }

                switch (activation)
                {
                    case ActivationKind.Tanh:
                        if (!tanhEmitted)
                        {
                            EmitTanhForward(writer);
                            tanhEmitted = true;
                        }

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
                        EmitVectorForward(
                            writer,
                            "Sigmoid",
                            "sigmoid: y = 1 / (1 + exp(-x))",
                            new[] { "Vector256<float> one = Vector256.Create(1.0f);" },
                            "one / (one + Vector256.Exp(-x))",
                            "1.0f / (1.0f + MathF.Exp(-values[j]))");
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
                        if (!tanhEmitted)
                        {
                            EmitTanhForward(writer);
                            tanhEmitted = true;
                        }

                        writer.Line("// scaled_tanh: y = 1.7159 tanh(2x/3)");
                        writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                        writer.Open("private static void ApplyScaledTanh(float* values, int length)");
                        writer.Line("int j = 0;");
                        writer.Open("if (Vector256.IsHardwareAccelerated)");
                        writer.Line("Vector256<float> amplitude = Vector256.Create(" + amplitude + ");");
                        writer.Line("Vector256<float> slope = Vector256.Create(" + slope + ");");
                        writer.Open("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)");
                        writer.Line("Vector256.Store(amplitude * Tanh(slope * Vector256.Load(values + j)), values + j);");
                        writer.Close();
                        writer.Close();
                        writer.Line();
                        writer.Open("for (; j < length; j++)");
                        writer.Line("values[j] = " + amplitude + " * MathF.Tanh(" + slope + " * values[j]);");
                        writer.Close();
                        writer.Close();
                        writer.Line();
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

        /// <summary>
        /// tanh over Vector256: 1 - 2 / (exp(2x) + 1), which saturates correctly at both ends, and its odd Taylor
        /// polynomial near 0 where that formula would lose digits. Also writes the in-place ApplyTanh.
        /// </summary>
        private static void EmitTanhForward(CodeWriter writer)
        {
            writer.Line("// tanh of 8 floats: 1 - 2 / (exp(2x) + 1), or x - x^3/3 + 2x^5/15 near 0 where that formula loses digits");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            writer.Open("private static Vector256<float> Tanh(Vector256<float> x)");
            writer.Line("Vector256<float> one = Vector256.Create(1.0f);");
            writer.Line("Vector256<float> large = one - (Vector256.Create(2.0f) / (Vector256.Exp(x + x) + one));");
            writer.Line("Vector256<float> square = x * x;");
            writer.Line("Vector256<float> small = x * (one + (square * (Vector256.Create(" + CodeWriter.Float(-1.0 / 3.0) + ") + (square * Vector256.Create(" + CodeWriter.Float(2.0 / 15.0) + ")))));");
            writer.Line("return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(" + CodeWriter.Float(0.0625) + ")), small, large);");
            writer.Close();
            writer.Line();
            EmitVectorForward(writer, "Tanh", "tanh: y = tanh(x)", new string[0], "Tanh(x)", "MathF.Tanh(values[j])");
        }

        private static void EmitVectorForward(CodeWriter writer, string name, string comment, string[] vectorConstants, string vectorExpression, string scalarExpression)
        {
            writer.Line("// " + comment);
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            writer.Open("private static void Apply" + name + "(float* values, int length)");
            writer.Line("int j = 0;");
            writer.Open("if (Vector256.IsHardwareAccelerated)");
            foreach (string constant in vectorConstants)
            {
                writer.Line(constant);
            }

            writer.Open("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)");
            writer.Line("Vector256<float> x = Vector256.Load(values + j);");
            writer.Line("Vector256.Store(" + vectorExpression + ", values + j);");
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Open("for (; j < length; j++)");
            writer.Line("values[j] = " + scalarExpression + ";");
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
