using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// subsample2d (LeCun et al. 1998, S2 and S4): each map sums its size x size windows, multiplies the sum by a
    /// trainable coefficient and adds a trainable bias, one of each per map: weight [channels], bias [channels].
    /// 2x2 windows on maps at least a vector of windows wide go a vector at a time (<see cref="Windows2x2Emitter"/>), with
    /// a window-by-window path for hardware without SIMD.
    /// </summary>
    internal sealed class SubsampleEmitter : LayerEmitter
    {
        public static readonly SubsampleEmitter Instance = new SubsampleEmitter();

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
            => ShapeInference.WindowDivides(layer, input, report)
                ? new LayerShape(new Shape(input.Channels, input.Height / layer.Kernel, input.Width / layer.Kernel), (long)layer.Kernel * layer.Kernel, input.Channels, input.Channels)
                : (LayerShape?)null;

        public override KernelHelpers Helpers(LayerModel layer)
            => KernelHelpers.MultiplyAdd | KernelHelpers.Sum | Windows2x2Emitter.Helpers(Windows2x2Emitter.Widths(layer));

        public override IReadOnlyList<(string Constant, int Value)> WeightDimensions(LayerModel layer)
            => new[] { BiasDimension(layer) };

        public override (string Constant, int Value) BiasDimension(LayerModel layer) => (layer.Identifier + "OutputChannels", layer.Output.Channels);

        public override string Describe(LayerModel layer)
            => "trainable subsampling " + layer.Input + " -> " + layer.Output + ", " + layer.Spec.Kernel + "x" + layer.Spec.Kernel
                + " window sums times a coefficient plus a bias per map, " + ActivationEmitter.Name(layer.Spec.Activation);

        /// <summary>One multiply-add per output (window sum times the coefficient, plus the bias); the window's inputs and the bias connect.</summary>
        public override LayerCounts Counts(LayerModel layer)
        {
            long outputs = layer.Output.Size;
            return new LayerCounts(outputs, outputs * ((layer.Spec.Kernel * layer.Spec.Kernel) + 1));
        }

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "PoolSize = " + CodeWriter.Int(layer.Spec.Kernel) + ";");
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            Windows2x2Emitter.EmitMethods(
                writer,
                layer,
                Windows2x2Emitter.Widths(layer),
                "Forward",
                "(float* parameters, float* input, float* output)",
                "(parameters, input, output)",
                width =>
                {
                    writer.Line("float* coefficients = parameters + " + p + "WeightOffset;");
                    writer.Line("float* biases = parameters + " + p + "BiasOffset;");
                    Windows2x2Emitter.EmitLoops(
                        writer,
                        layer,
                        width,
                        "input",
                        "output",
                        new[] { width.Type + " coefficient = " + width.Create("coefficients[c]") + ";", width.Type + " bias = " + width.Create("biases[c]") + ";" },
                        start =>
                        {
                            Windows2x2Emitter.EmitSums(writer, width, start);
                            writer.Line(width.Store(Windows2x2Emitter.InOrder(width, "(coefficient * sum) + bias"), "row" + Windows2x2Emitter.Plus(start)));
                        });
                    EmitActivation(writer, layer);
                },
                () =>
                {
                    writer.Line("float* coefficients = parameters + " + p + "WeightOffset;");
                    writer.Line("float* biases = parameters + " + p + "BiasOffset;");
                    using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
                    {
                        writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
                        writer.Line("float* map = output + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                        writer.Line("float coefficient = coefficients[c];");
                        writer.Line("float bias = biases[c];");
                        using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                        using (writer.Block("for (int x = 0; x < " + p + "OutputWidth; x++)"))
                        {
                            EmitWindowSum(writer, p, "plane");
                            writer.Line("map[(y * " + p + "OutputWidth) + x] = (coefficient * sum) + bias;");
                        }
                    }

                    EmitActivation(writer, layer);
                });
        }

        private static void EmitActivation(CodeWriter writer, LayerModel layer)
        {
            if (layer.Spec.Activation != ActivationKind.None)
            {
                writer.Line();
                ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "output", layer.Identifier + "OutputSize");
            }
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer));
            Windows2x2Emitter.EmitMethods(
                writer,
                layer,
                Windows2x2Emitter.Widths(layer),
                "Backward",
                "(float* parameters, float* gradients, float* input, float* output, float* outputGradient, float* inputGradient)",
                "(parameters, gradients, input, output, outputGradient, inputGradient)",
                width => EmitVectorBackward(writer, layer, width, inputGradientOptional),
                () => EmitPortableBackward(writer, layer, inputGradientOptional));
        }

        private static void EmitPortableBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            EmitBackwardStart(writer, layer);
            using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
            {
                writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
                writer.Line("float* map = outputGradient + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                writer.Line("float coefficientGradient = 0.0f;");
                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                using (writer.Block("for (int x = 0; x < " + p + "OutputWidth; x++)"))
                {
                    EmitWindowSum(writer, p, "plane");
                    writer.Line("coefficientGradient += map[(y * " + p + "OutputWidth) + x] * sum;");
                }

                writer.Line();
                writer.Line("coefficientGradients[c] += coefficientGradient;");
                writer.Line("biasGradients[c] += Sum(map, " + p + "OutputHeight * " + p + "OutputWidth);");
            }

            writer.Line();
            EmitInputGradientStart(writer, inputGradientOptional);
            using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
            {
                writer.Line("float* gradientPlane = inputGradient + (c * " + p + "InputHeight * " + p + "InputWidth);");
                writer.Line("float* map = outputGradient + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                writer.Line("float coefficient = coefficients[c];");
                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                using (writer.Block("for (int x = 0; x < " + p + "OutputWidth; x++)"))
                {
                    writer.Line("float share = map[(y * " + p + "OutputWidth) + x] * coefficient;");
                    writer.Line("float* gradientWindow = gradientPlane + (y * " + p + "PoolSize * " + p + "InputWidth) + (x * " + p + "PoolSize);");
                    using (writer.Block("for (int dy = 0; dy < " + p + "PoolSize; dy++)"))
                    using (writer.Block("for (int dx = 0; dx < " + p + "PoolSize; dx++)"))
                    {
                        writer.Line("gradientWindow[(dy * " + p + "InputWidth) + dx] = share;");
                    }
                }
            }
        }

        /// <summary>
        /// A vector of windows at a time: the coefficient's gradient sums the output gradient times the window sums in a
        /// vector (the lanes a row's last, overlapping vector shares with the one before masked out), and each window's
        /// gradient times the coefficient is spread to its four inputs.
        /// </summary>
        private static void EmitVectorBackward(CodeWriter writer, LayerModel layer, VectorWidth width, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            int[] starts = Windows2x2Emitter.VectorStarts(layer, width);
            int tail = layer.Output.Width % width.Lanes;
            EmitBackwardStart(writer, layer);
            if (tail != 0)
            {
                writer.Line("// the last vector of a row overlaps the one before: count only its last " + tail + " windows");
                writer.Line(width.Type + " tailMask = " + width.LaneMask(width.Lanes - tail) + ";");
            }

            Windows2x2Emitter.EmitLoops(
                writer,
                layer,
                width,
                "input",
                "outputGradient",
                new[] { width.Type + " coefficientGradient = " + width.Zero + ";" },
                start =>
                {
                    bool overlaps = tail != 0 && start == starts[starts.Length - 1];
                    Windows2x2Emitter.EmitSums(writer, width, start);
                    writer.Line(width.Type + " gradient = " + width.Load("row" + Windows2x2Emitter.Plus(start)) + (overlaps ? " & tailMask" : string.Empty) + ";");
                    writer.Line("coefficientGradient = MultiplyAdd(gradient, " + Windows2x2Emitter.InOrder(width, "sum") + ", coefficientGradient);");
                },
                () =>
                {
                    writer.Line("coefficientGradients[c] += " + width.Sum("coefficientGradient") + ";");
                    writer.Line("biasGradients[c] += Sum(map, " + p + "OutputHeight * " + p + "OutputWidth);");
                });
            writer.Line();
            EmitInputGradientStart(writer, inputGradientOptional);
            Windows2x2Emitter.EmitLoops(
                writer,
                layer,
                width,
                "inputGradient",
                "outputGradient",
                new[] { width.Type + " coefficient = " + width.Create("coefficients[c]") + ";" },
                start =>
                {
                    writer.Line(width.Type + " share = " + width.Load("row" + Windows2x2Emitter.Plus(start)) + " * coefficient;");
                    Windows2x2Emitter.EmitSpread(writer, width, start, "share");
                });
        }

        private static void EmitBackwardStart(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            writer.Line("float* coefficients = parameters + " + p + "WeightOffset;");
            writer.Line("float* coefficientGradients = gradients + " + p + "WeightOffset;");
            writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
        }

        private static void EmitInputGradientStart(CodeWriter writer, bool inputGradientOptional)
        {
            if (inputGradientOptional)
            {
                using (writer.Block("if (inputGradient == null)"))
                {
                    writer.Line("return;");
                }

                writer.Line();
            }

            writer.Line("// every input of a window receives the window's gradient times the map's coefficient");
        }

        private static void EmitWindowSum(CodeWriter writer, string p, string plane)
        {
            writer.Line("float* window = " + plane + " + (y * " + p + "PoolSize * " + p + "InputWidth) + (x * " + p + "PoolSize);");
            writer.Line("float sum = 0.0f;");
            using (writer.Block("for (int dy = 0; dy < " + p + "PoolSize; dy++)"))
            using (writer.Block("for (int dx = 0; dx < " + p + "PoolSize; dx++)"))
            {
                writer.Line("sum += window[(dy * " + p + "InputWidth) + dx];");
            }

            writer.Line();
        }

        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            using (CurvatureEmitter.OpenWithParameters(writer, layer, "trainable subsampling: the coefficient gets x^2 h over its windows, each input gets coefficient^2 h"))
            using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
            {
                writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
                writer.Line("float* map = outputCurvature + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                writer.Line("float square = weights[c] * weights[c];");
                writer.Line("float sum = 0.0f;");
                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                using (writer.Block("for (int x = 0; x < " + p + "OutputWidth; x++)"))
                {
                    writer.Line("float h = map[(y * " + p + "OutputWidth) + x];");
                    using (writer.Block("for (int dy = 0; dy < " + p + "PoolSize; dy++)"))
                    using (writer.Block("for (int dx = 0; dx < " + p + "PoolSize; dx++)"))
                    {
                        writer.Line("int at = (((y * " + p + "PoolSize) + dy) * " + p + "InputWidth) + (x * " + p + "PoolSize) + dx;");
                        writer.Line("sum += plane[at] * plane[at] * h;");
                        using (writer.Block("if (inputCurvature != null)"))
                        {
                            writer.Line("inputCurvature[(c * " + p + "InputHeight * " + p + "InputWidth) + at] = square * h;");
                        }
                    }
                }

                writer.Line();
                writer.Line("weightCurvature[c] += sum;");
                writer.Line("biasCurvature[c] += Sum(map, " + p + "OutputHeight * " + p + "OutputWidth);");
            }
        }
    }
}
