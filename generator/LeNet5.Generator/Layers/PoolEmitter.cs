using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// avgpool2d / maxpool2d over non-overlapping size x size windows (stride = size). 2x2 pooling on maps at least a vector
    /// of windows wide goes a vector of windows at a time (<see cref="Windows2x2Emitter"/>): forward for both kinds,
    /// backward for average pooling; with a window-by-window path for hardware without SIMD.
    /// </summary>
    internal sealed class PoolEmitter : LayerEmitter
    {
        public static readonly PoolEmitter Average = new PoolEmitter(false);

        public static readonly PoolEmitter Max = new PoolEmitter(true);

        private readonly bool _max;

        private PoolEmitter(bool max)
        {
            _max = max;
        }

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
            => ShapeInference.WindowDivides(layer, input, report)
                ? new LayerShape(new Shape(input.Channels, input.Height / layer.Kernel, input.Width / layer.Kernel))
                : (LayerShape?)null;

        public override int DescribedStride(LayerModel layer) => layer.Spec.Stride;

        public override string Describe(LayerModel layer)
        {
            string kind = _max ? "max pool " : "average pool ";
            return kind + layer.Input + " -> " + layer.Output + ", " + layer.Spec.Kernel + "x" + layer.Spec.Kernel
                + " windows, " + ActivationEmitter.Name(layer.Spec.Activation);
        }

        /// <summary>Additions or comparisons, not multiply-adds; each output connects to its window.</summary>
        public override LayerCounts Counts(LayerModel layer)
            => new LayerCounts(0, (long)layer.Output.Size * layer.Spec.Kernel * layer.Spec.Kernel);

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "PoolSize = " + CodeWriter.Int(layer.Spec.Kernel) + ";");
        }

        public override KernelHelpers Helpers(LayerModel layer) => Windows2x2Emitter.Helpers(Windows2x2Emitter.Widths(layer));

        /// <summary>
        /// The widths of the backward's vector window kernels: average pooling's. Max pooling's backward sends each
        /// gradient to its window's first maximum, a search it does window by window.
        /// </summary>
        private IReadOnlyList<VectorWidth> BackwardWidths(LayerModel layer) => _max ? new VectorWidth[0] : Windows2x2Emitter.Widths(layer);

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            const string Parameters = "(float* input, float* output)";
            Windows2x2Emitter.EmitMethods(
                writer,
                layer,
                Windows2x2Emitter.Widths(layer),
                "Forward",
                Parameters,
                "(input, output)",
                width => EmitVectorWindows2x2(writer, layer, width),
                () => EmitPortableForward(writer, layer));
        }

        private void EmitPortableForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool max = _max;
            using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
            {
                writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
                writer.Line("float* map = output + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                using (writer.Block("for (int x = 0; x < " + p + "OutputWidth; x++)"))
                {
                    writer.Line("float* window = plane + (y * " + p + "PoolSize * " + p + "InputWidth) + (x * " + p + "PoolSize);");
                    writer.Line(max ? "float best = window[0];" : "float sum = 0.0f;");
                    using (writer.Block("for (int dy = 0; dy < " + p + "PoolSize; dy++)"))
                    using (writer.Block("for (int dx = 0; dx < " + p + "PoolSize; dx++)"))
                    {
                        if (max)
                        {
                            writer.Line("float value = window[(dy * " + p + "InputWidth) + dx];");
                            writer.Line("best = value > best ? value : best;");
                        }
                        else
                        {
                            writer.Line("sum += window[(dy * " + p + "InputWidth) + dx];");
                        }
                    }

                    writer.Line();
                    writer.Line(max
                        ? "map[(y * " + p + "OutputWidth) + x] = best;"
                        : "map[(y * " + p + "OutputWidth) + x] = sum * " + InverseArea(layer) + ";");
                }

                if (layer.Spec.Activation != ActivationKind.None)
                {
                    writer.Line();
                    ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "map", p + "OutputHeight * " + p + "OutputWidth");
                }
            }
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer)
                + (_max ? "; the gradient goes to the first maximum of each window" : "; the gradient is shared evenly by each window"));
            Windows2x2Emitter.EmitMethods(
                writer,
                layer,
                BackwardWidths(layer),
                "Backward",
                "(float* input, float* output, float* outputGradient, float* inputGradient)",
                "(input, output, outputGradient, inputGradient)",
                width =>
                {
                    ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
                    EmitVectorAverage2x2Backward(writer, layer, width);
                },
                () => EmitPortableBackward(writer, layer));
        }

        private void EmitPortableBackward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool max = _max;
            ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputGradient", "output", p + "OutputSize");
            using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
            {
                if (max)
                {
                    writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
                }

                writer.Line("float* gradientPlane = inputGradient + (c * " + p + "InputHeight * " + p + "InputWidth);");
                writer.Line("float* map = outputGradient + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
                using (writer.Block("for (int y = 0; y < " + p + "OutputHeight; y++)"))
                using (writer.Block("for (int x = 0; x < " + p + "OutputWidth; x++)"))
                {
                    writer.Line("int corner = (y * " + p + "PoolSize * " + p + "InputWidth) + (x * " + p + "PoolSize);");
                    writer.Line("float* gradientWindow = gradientPlane + corner;");
                    if (max)
                    {
                        writer.Line("float* window = plane + corner;");
                        writer.Line("int best = 0;");
                        using (writer.Block("for (int dy = 0; dy < " + p + "PoolSize; dy++)"))
                        using (writer.Block("for (int dx = 0; dx < " + p + "PoolSize; dx++)"))
                        {
                            writer.Line("int offset = (dy * " + p + "InputWidth) + dx;");
                            writer.Line("gradientWindow[offset] = 0.0f;");
                            writer.Line("best = window[offset] > window[best] ? offset : best;");
                        }

                        writer.Line();
                        writer.Line("gradientWindow[best] = map[(y * " + p + "OutputWidth) + x];");
                    }
                    else
                    {
                        writer.Line("float share = map[(y * " + p + "OutputWidth) + x] * " + InverseArea(layer) + ";");
                        using (writer.Block("for (int dy = 0; dy < " + p + "PoolSize; dy++)"))
                        using (writer.Block("for (int dx = 0; dx < " + p + "PoolSize; dx++)"))
                        {
                            writer.Line("gradientWindow[(dy * " + p + "InputWidth) + dx] = share;");
                        }
                    }
                }
            }
        }

        /// <summary>
        /// 2x2 pooling, a vector of windows at a time: the window sums add in the scalar loop's order and are then scaled,
        /// and the maxima are picked as the scalar loop picks them, so both paths give the same bits.
        /// </summary>
        private void EmitVectorWindows2x2(CodeWriter writer, LayerModel layer, VectorWidth width)
        {
            string p = layer.Identifier;
            if (!_max)
            {
                writer.Line(width.Type + " scale = " + width.Create(InverseArea(layer)) + ";");
            }

            Windows2x2Emitter.EmitLoops(
                writer,
                layer,
                width,
                "input",
                "output",
                System.Array.Empty<string>(),
                start =>
                {
                    if (_max)
                    {
                        Windows2x2Emitter.EmitMaxima(writer, width, start);
                    }
                    else
                    {
                        Windows2x2Emitter.EmitSums(writer, width, start);
                    }

                    writer.Line(width.Store(Windows2x2Emitter.InOrder(width, _max ? "best" : "sum * scale"), "row" + Windows2x2Emitter.Plus(start)));
                },
                layer.Spec.Activation == ActivationKind.None
                    ? null
                    : () => ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "map", p + "OutputHeight * " + p + "OutputWidth"));
        }

        /// <summary>
        /// The backward of 2x2 average pooling, a vector of windows at a time: each window's gradient times the same
        /// 1 / area as the scalar loop, so both paths give the same bits, spread to its four inputs.
        /// </summary>
        private static void EmitVectorAverage2x2Backward(CodeWriter writer, LayerModel layer, VectorWidth width)
        {
            writer.Line(width.Type + " scale = " + width.Create(InverseArea(layer)) + ";");
            Windows2x2Emitter.EmitLoops(
                writer,
                layer,
                width,
                "inputGradient",
                "outputGradient",
                System.Array.Empty<string>(),
                start =>
                {
                    writer.Line(width.Type + " share = " + width.Load("row" + Windows2x2Emitter.Plus(start)) + " * scale;");
                    Windows2x2Emitter.EmitSpread(writer, width, start, "share");
                });
        }

        private static string InverseArea(LayerModel layer) => CodeWriter.Float(1.0 / (layer.Spec.Kernel * layer.Spec.Kernel));

        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool max = _max;
            writer.Line("// " + layer.Spec.Name + (max
                ? ": curvature goes to each window's first maximum, like the gradient"
                : ": each input of a window gets h / area^2"));
            using (writer.Block("private static void " + p + "Curvature(float* input, float* output, float* outputCurvature, float* inputCurvature)"))
            {
                if (layer.Spec.Activation != ActivationKind.None)
                {
                    writer.Line("// the backward pass multiplies by f'(a) once more");
                    ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputCurvature", "output", p + "OutputSize");
                }

                writer.Line(p + "Backward(input, output, outputCurvature, inputCurvature);");
                if (!max)
                {
                    using (writer.Block("for (int j = 0; j < " + p + "InputChannels * " + p + "InputHeight * " + p + "InputWidth; j++)"))
                    {
                        writer.Line("inputCurvature[j] *= 1.0f / (" + p + "PoolSize * " + p + "PoolSize);");
                    }
                }
            }
        }
    }
}
