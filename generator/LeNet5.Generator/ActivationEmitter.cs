using System;
using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// Activations fused into a layer's output: a call in the layer methods, and one helper per activation and pass.
    /// Derivatives are computed from the saved outputs y.
    /// </summary>
    internal static class ActivationEmitter
    {
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

                if (activation != ActivationKind.Relu && !tanhEmitted)
                {
                    EmitTanh(writer);
                    tanhEmitted = true;
                }

                foreach (Elementwise kernel in Kernels(activation))
                {
                    kernel.Emit(writer);
                }
            }
        }

        /// <summary>The forward and backward kernels of an activation; x is the input, y the saved output, g the gradient.</summary>
        private static Elementwise[] Kernels(ActivationKind activation)
        {
            switch (activation)
            {
                case ActivationKind.Tanh:
                    return new[]
                    {
                        Elementwise.Forward("Tanh", "tanh: y = tanh(x)", o => "Tanh(x)"),
                        Elementwise.Backward("Tanh", "tanh: dy/dx = 1 - y^2", o => "g * (" + o.Constant("one", "1.0f") + " - (y * y))"),
                    };

                case ActivationKind.Relu:
                    return new[]
                    {
                        Elementwise.Forward("Relu", "relu: y = max(x, 0)", o => o.Width == null ? "x > 0.0f ? x : 0.0f" : o.Width.Vector + ".Max(x, " + o.Width.Zero + ")"),
                        Elementwise.Backward(
                            "Relu",
                            "relu: dy/dx = 1 where y > 0, else 0",
                            o => o.Width == null
                                ? "y > 0.0f ? g : 0.0f"
                                : o.Width.Vector + ".ConditionalSelect(" + o.Width.Vector + ".GreaterThan(y, " + o.Width.Zero + "), g, " + o.Width.Zero + ")"),
                    };

                case ActivationKind.Sigmoid:
                    return new[]
                    {
                        Elementwise.Forward(
                            "Sigmoid",
                            "sigmoid: y = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2",
                            o => o.Constant("half", "0.5f") + " + (" + o.Constant("half", "0.5f") + " * Tanh(" + o.Constant("half", "0.5f") + " * x))"),
                        Elementwise.Backward("Sigmoid", "sigmoid: dy/dx = y (1 - y)", o => "g * (y * (" + o.Constant("one", "1.0f") + " - y))"),
                    };

                case ActivationKind.ScaledTanh:
                {
                    string amplitude = CodeWriter.Float(Activations.ScaledTanhAmplitude);
                    string slope = CodeWriter.Float(Activations.ScaledTanhSlope);
                    string scale = CodeWriter.Float(Activations.ScaledTanhSlope / Activations.ScaledTanhAmplitude);
                    string square = CodeWriter.Float(Activations.ScaledTanhAmplitude * Activations.ScaledTanhAmplitude);
                    return new[]
                    {
                        Elementwise.Forward(
                            "ScaledTanh",
                            "scaled_tanh: y = 1.7159 tanh(2x/3)",
                            o => o.Constant("amplitude", amplitude) + " * Tanh(" + o.Constant("slope", slope) + " * x)"),
                        Elementwise.Backward(
                            "ScaledTanh",
                            "scaled_tanh: dy/dx = (2/3) / 1.7159 * (1.7159^2 - y^2)",
                            o => "g * (" + o.Constant("scale", scale) + " * (" + o.Constant("square", square) + " - (y * y)))"),
                    };
                }

                default:
                    return new Elementwise[0];
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

        /// <summary>Writes the scalar tanh and its vector overloads, one per width.</summary>
        private static void EmitTanh(CodeWriter writer)
        {
            string clamp = CodeWriter.Float(TanhClamp);
            writer.Line("// tanh(x) ~ x P(x^2) / Q(x^2) for |x| < " + clamp + ", +-1 beyond (error below 4e-7); the vector and scalar forms agree");
            writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (writer.Block("private static float Tanh(float x)"))
            {
                writer.Line("float clamped = Math.Clamp(x, -" + clamp + ", " + clamp + ");");
                EmitRational(writer, null);
            }

            foreach (VectorWidth width in VectorWidth.All)
            {
                writer.Line();
                writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (writer.Block("private static " + width.Type + " Tanh(" + width.Type + " x)"))
                {
                    writer.Line(width.Type + " clamped = " + width.Vector + ".Min(" + width.Vector + ".Max(x, " + width.Create("-" + clamp) + "), " + width.Create(clamp) + ");");
                    EmitRational(writer, width);
                }
            }

            writer.Line();
        }

        /// <summary>The rational approximation of the clamped value, as scalars (no width) or vectors.</summary>
        private static void EmitRational(CodeWriter writer, VectorWidth? width)
        {
            writer.Line((width?.Type ?? "float") + " square = clamped * clamped;");
            EmitPolynomial(writer, "numerator", TanhNumerator, width, "square");
            EmitPolynomial(writer, "denominator", TanhDenominator, width, "square");
            writer.Line("return clamped * numerator / denominator;");
        }

        /// <summary>Horner's rule, highest coefficient first, as plain multiplications and additions.</summary>
        private static void EmitPolynomial(CodeWriter writer, string name, double[] coefficients, VectorWidth? width, string variable)
        {
            string constant(double c) => width == null ? CodeWriter.Float(c) : width.Create(CodeWriter.Float(c));
            writer.Line((width?.Type ?? "float") + " " + name + " = " + constant(coefficients[0]) + ";");
            for (int i = 1; i < coefficients.Length; i++)
            {
                writer.Line(name + " = (" + name + " * " + variable + ") + " + constant(coefficients[i]) + ";");
            }
        }

        /// <summary>
        /// An activation's pass over a run of floats, in place: one method per width (its vectors, then the scalar tail)
        /// and a dispatcher that calls the widest accelerated one, or runs the scalar loop on hardware without SIMD.
        /// Every width computes the same operations per element as the scalar loop, so all give the same bits.
        /// </summary>
        private sealed class Elementwise
        {
            private readonly string _method;
            private readonly string _comment;
            private readonly bool _backward;
            private readonly Func<Operands, string> _expression;

            private Elementwise(string method, string comment, bool backward, Func<Operands, string> expression)
            {
                _method = method;
                _comment = comment;
                _backward = backward;
                _expression = expression;
            }

            /// <summary><c>Apply{name}(values, length)</c>: values[j] = f(x), x = values[j].</summary>
            public static Elementwise Forward(string name, string comment, Func<Operands, string> expression)
                => new Elementwise("Apply" + name, comment, false, expression);

            /// <summary><c>{name}Backward(gradient, output, length)</c>: gradient[j] = f(g, y), g = gradient[j], y = output[j].</summary>
            public static Elementwise Backward(string name, string comment, Func<Operands, string> expression)
                => new Elementwise(name + "Backward", comment + "; multiplies the gradient in place", true, expression);

            private string Parameters => _backward ? "(float* gradient, float* output, int length)" : "(float* values, int length)";

            private string Arguments => _backward ? "(gradient, output, length)" : "(values, length)";

            private string Target => _backward ? "gradient" : "values";

            public void Emit(CodeWriter writer)
            {
                writer.Line("// " + _comment);
                writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (writer.Block("private static void " + _method + Parameters))
                {
                    var branches = new List<(string, string)>();
                    foreach (VectorWidth width in VectorWidth.All)
                    {
                        branches.Add((width.IsAccelerated, _method + width.Suffix + Arguments + ";"));
                    }

                    writer.FirstOf(branches, () => EmitScalarLoop(writer, "int j = 0"));
                }

                foreach (VectorWidth width in VectorWidth.All)
                {
                    writer.Line();
                    EmitWidth(writer, width);
                }

                writer.Line();
            }

            private void EmitWidth(CodeWriter writer, VectorWidth width)
            {
                var operands = new Operands(width);
                string expression = _expression(operands);
                writer.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (writer.Block("private static void " + _method + width.Suffix + Parameters))
                {
                    foreach ((string name, string value) in operands.Constants)
                    {
                        writer.Line(width.Type + " " + name + " = " + width.Create(value) + ";");
                    }

                    writer.Line("int j = 0;");
                    using (writer.Block("for (; j <= length - " + width.Count + "; j += " + width.Count + ")"))
                    {
                        if (_backward)
                        {
                            writer.Line(width.Type + " y = " + width.Load("output + j") + ";");
                            writer.Line(width.Type + " g = " + width.Load("gradient + j") + ";");
                        }
                        else
                        {
                            writer.Line(width.Type + " x = " + width.Load("values + j") + ";");
                        }

                        writer.Line(width.Store(expression, Target + " + j"));
                    }

                    writer.Line();
                    EmitScalarLoop(writer, string.Empty);
                }
            }

            private void EmitScalarLoop(CodeWriter writer, string start)
            {
                using (writer.Block("for (" + start + "; j < length; j++)"))
                {
                    if (_backward)
                    {
                        writer.Line("float y = output[j];");
                        writer.Line("float g = gradient[j];");
                    }
                    else
                    {
                        writer.Line("float x = values[j];");
                    }

                    writer.Line(Target + "[j] = " + _expression(new Operands(null)) + ";");
                }
            }
        }

        /// <summary>
        /// What an activation's formula is written with: scalars (no width), or vectors of a width, whose constants are
        /// named and created once before the loop.
        /// </summary>
        private sealed class Operands
        {
            private readonly List<(string Name, string Value)> _constants = new List<(string Name, string Value)>();

            public Operands(VectorWidth? width)
            {
                Width = width;
            }

            public VectorWidth? Width { get; }

            public IReadOnlyList<(string Name, string Value)> Constants => _constants;

            /// <summary>A float literal as a scalar, or the name of a vector holding it in every lane.</summary>
            public string Constant(string name, string value)
            {
                if (Width == null)
                {
                    return value;
                }

                if (!_constants.Contains((name, value)))
                {
                    _constants.Add((name, value));
                }

                return name;
            }
        }
    }
}
