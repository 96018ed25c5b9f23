using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// Activations fused into a layer's output: a call in the layer methods, and one helper per activation and pass.
    /// Derivatives are computed from the saved outputs y.
    /// </summary>
    internal static class ActivationEmitter
    {
        private const double ScaledTanhAmplitude = Activations.ScaledTanhAmplitude;
        private const double ScaledTanhSlope = Activations.ScaledTanhSlope;

        public static string Name(ActivationKind activation) => Activations.Name(activation);

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

        /// <summary>Multiplies an output curvature in place by the activation's derivative squared: the backward helper, twice.</summary>
        public static void EmitCurvature(CodeWriter writer, ActivationKind activation, string curvature, string output, string length)
        {
            if (activation != ActivationKind.None)
            {
                writer.Line("// f'(a)^2: the derivative applied twice");
                EmitBackward(writer, activation, curvature, output, length);
                EmitBackward(writer, activation, curvature, output, length);
                writer.Line();
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
                        using (writer.Block("private static void ApplyRelu(float* values, int length)"))
                        {
                            writer.Line("int j = 0;");
                            using (writer.Block("if (Vector256.IsHardwareAccelerated)"))
                            using (writer.Block("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)"))
                            {
                                writer.Line("Vector256.Store(Vector256.Max(Vector256.Load(values + j), Vector256<float>.Zero), values + j);");
                            }

                            writer.Line();
                            using (writer.Block("for (; j < length; j++)"))
                            {
                                writer.Line("values[j] = values[j] > 0.0f ? values[j] : 0.0f;");
                            }
                        }

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
                        if (!tanhEmitted)
                        {
                            EmitTanhForward(writer);
                            tanhEmitted = true;
                        }

                        EmitVectorForward(
                            writer,
                            "Sigmoid",
                            "sigmoid: y = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2",
                            new[] { "Vector256<float> half = Vector256.Create(0.5f);" },
                            "half + (half * Tanh(half * x))",
                            "0.5f + (0.5f * Tanh(0.5f * values[j]))");
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
                        using (writer.Block("private static void ApplyScaledTanh(float* values, int length)"))
                        {
                            writer.Line("int j = 0;");
                            using (writer.Block("if (Vector256.IsHardwareAccelerated)"))
                            {
                                writer.Line("Vector256<float> amplitude = Vector256.Create(" + amplitude + ");");
                                writer.Line("Vector256<float> slope = Vector256.Create(" + slope + ");");
                                using (writer.Block("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)"))
                                {
                                    writer.Line("Vector256.Store(amplitude * Tanh(slope * Vector256.Load(values + j)), values + j);");
                                }
                            }

                            writer.Line();
                            using (writer.Block("for (; j < length; j++)"))
                            {
                                writer.Line("values[j] = " + amplitude + " * Tanh(" + slope + " * values[j]);");
                            }
                        }

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

        // tanh(x) ~ x P(x^2) / Q(x^2) on [-Clamp, Clamp], +-1 beyond: the rational approximation Eigen uses for float
        // (error below 4e-7 everywhere), only multiplications, additions and one division, so it vectorises well.
        private const double TanhClamp = 7.90531110763549805;
        private static readonly double[] TanhNumerator =
        {
            -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
            1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03,
        };

        private static readonly double[] TanhDenominator = { 1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03 };

        /// <summary>Writes the scalar and vector tanh helpers and the in-place ApplyTanh.</summary>
        private static void EmitTanhForward(CodeWriter writer)
        {
            writer.Line("// tanh(x) ~ x P(x^2) / Q(x^2) for |x| < " + CodeWriter.Float(TanhClamp) + ", +-1 beyond (error below 4e-7); the vector and scalar forms agree");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static float Tanh(float x)"))
            {
                writer.Line("float clamped = Math.Clamp(x, -" + CodeWriter.Float(TanhClamp) + ", " + CodeWriter.Float(TanhClamp) + ");");
                writer.Line("float square = clamped * clamped;");
                EmitPolynomial(writer, "numerator", TanhNumerator, vector: false, "square");
                EmitPolynomial(writer, "denominator", TanhDenominator, vector: false, "square");
                writer.Line("return clamped * numerator / denominator;");
            }

            writer.Line();
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static Vector256<float> Tanh(Vector256<float> x)"))
            {
                writer.Line("Vector256<float> clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-" + CodeWriter.Float(TanhClamp) + ")), Vector256.Create(" + CodeWriter.Float(TanhClamp) + "));");
                writer.Line("Vector256<float> square = clamped * clamped;");
                EmitPolynomial(writer, "numerator", TanhNumerator, vector: true, "square");
                EmitPolynomial(writer, "denominator", TanhDenominator, vector: true, "square");
                writer.Line("return clamped * numerator / denominator;");
            }

            writer.Line();
            EmitVectorForward(writer, "Tanh", "tanh: y = tanh(x)", new string[0], "Tanh(x)", "Tanh(values[j])");
        }

        /// <summary>Horner's rule, highest coefficient first, as plain multiplications and additions.</summary>
        private static void EmitPolynomial(CodeWriter writer, string name, double[] coefficients, bool vector, string variable)
        {
            string type = vector ? "Vector256<float>" : "float";
            string constant(string c) => vector ? "Vector256.Create(" + c + ")" : c;
            writer.Line(type + " " + name + " = " + constant(CodeWriter.Float(coefficients[0])) + ";");
            for (int i = 1; i < coefficients.Length; i++)
            {
                writer.Line(name + " = (" + name + " * " + variable + ") + " + constant(CodeWriter.Float(coefficients[i])) + ";");
            }
        }

        private static void EmitVectorForward(CodeWriter writer, string name, string comment, string[] vectorConstants, string vectorExpression, string scalarExpression)
        {
            writer.Line("// " + comment);
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static void Apply" + name + "(float* values, int length)"))
            {
                writer.Line("int j = 0;");
                using (writer.Block("if (Vector256.IsHardwareAccelerated)"))
                {
                    foreach (string constant in vectorConstants)
                    {
                        writer.Line(constant);
                    }

                    using (writer.Block("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)"))
                    {
                        writer.Line("Vector256<float> x = Vector256.Load(values + j);");
                        writer.Line("Vector256.Store(" + vectorExpression + ", values + j);");
                    }
                }

                writer.Line();
                using (writer.Block("for (; j < length; j++)"))
                {
                    writer.Line("values[j] = " + scalarExpression + ";");
                }
            }

            writer.Line();
        }

        private static void EmitBackwardHelper(CodeWriter writer, string name, string comment, string[] vectorConstants, string vectorExpression, string scalarExpression)
        {
            writer.Line("// " + comment + "; multiplies the gradient in place");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static void " + name + "Backward(float* gradient, float* output, int length)"))
            {
                writer.Line("int j = 0;");
                using (writer.Block("if (Vector256.IsHardwareAccelerated)"))
                {
                    foreach (string constant in vectorConstants)
                    {
                        writer.Line(constant);
                    }

                    using (writer.Block("for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)"))
                    {
                        writer.Line("Vector256<float> y = Vector256.Load(output + j);");
                        writer.Line("Vector256<float> g = Vector256.Load(gradient + j);");
                        writer.Line("Vector256.Store(" + vectorExpression + ", gradient + j);");
                    }
                }

                writer.Line();
                using (writer.Block("for (; j < length; j++)"))
                {
                    writer.Line("float y = output[j];");
                    writer.Line("gradient[j] = " + scalarExpression + ";");
                }
            }

            writer.Line();
        }
    }
}
