namespace LeNet5.Generator
{
    /// <summary>
    /// pad: copies every map into the middle of a larger one whose border holds a constant (by default, on the image, the
    /// image's background through the input scaling; see <see cref="ArchitectureParser"/>). The border is a constant, so
    /// backward drops its gradient and passes the rest through, and so does the curvature pass.
    /// </summary>
    internal sealed class PadEmitter : LayerEmitter
    {
        public static readonly PadEmitter Instance = new PadEmitter();

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
            => new LayerShape(new Shape(input.Channels, input.Height + (2 * layer.Padding), input.Width + (2 * layer.Padding)));

        public override LayerArguments BackwardArguments(LayerModel layer) => LayerArguments.None;

        public override LayerArguments CurvatureArguments(LayerModel layer) => LayerArguments.None;

        public override string Describe(LayerModel layer)
            => "pad " + layer.Input + " -> " + layer.Output + ", " + layer.Spec.Padding + " on every side with "
                + ((float)layer.Spec.PadValue).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>A copy: no multiply-adds, no connections.</summary>
        public override LayerCounts Counts(LayerModel layer) => LayerCounts.None;

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "Padding = " + CodeWriter.Int(layer.Spec.Padding) + ";");
            writer.Line("public const float " + layer.Identifier + "Value = " + CodeWriter.Float(layer.Spec.PadValue) + ";");
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer));
            using (writer.Block("private static void " + p + "Forward(float* input, float* output)"))
            {
                writer.Line(layer.Spec.PadValue == 0
                    ? "new Span<float>(output, " + p + "OutputSize).Clear();"
                    : "new Span<float>(output, " + p + "OutputSize).Fill(" + p + "Value);");
                using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
                using (writer.Block("for (int y = 0; y < " + p + "InputHeight; y++)"))
                {
                    writer.Line("float* source = input + (((c * " + p + "InputHeight) + y) * " + p + "InputWidth);");
                    writer.Line("float* target = output + (((c * " + p + "OutputHeight) + y + " + p + "Padding) * " + p + "OutputWidth) + " + p + "Padding;");
                    writer.Line("new ReadOnlySpan<float>(source, " + p + "InputWidth).CopyTo(new Span<float>(target, " + p + "InputWidth));");
                }
            }
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer) + "; the border's gradient is dropped");
            using (writer.Block("private static void " + p + "Backward(float* outputGradient, float* inputGradient)"))
            {
                if (inputGradientOptional)
                {
                    using (writer.Block("if (inputGradient == null)"))
                    {
                        writer.Line("return;");
                    }

                    writer.Line();
                }

                using (writer.Block("for (int c = 0; c < " + p + "OutputChannels; c++)"))
                using (writer.Block("for (int y = 0; y < " + p + "InputHeight; y++)"))
                {
                    writer.Line("float* source = outputGradient + (((c * " + p + "OutputHeight) + y + " + p + "Padding) * " + p + "OutputWidth) + " + p + "Padding;");
                    writer.Line("float* target = inputGradient + (((c * " + p + "InputHeight) + y) * " + p + "InputWidth);");
                    writer.Line("new ReadOnlySpan<float>(source, " + p + "InputWidth).CopyTo(new Span<float>(target, " + p + "InputWidth));");
                }
            }
        }

        /// <summary>The border's Jacobian entries are 0 and the rest 1: curvature passes through like the gradient.</summary>
        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": curvature passes through like the gradient");
            using (writer.Block("private static void " + p + "Curvature(float* outputCurvature, float* inputCurvature)"))
            {
                writer.Line(p + "Backward(outputCurvature, inputCurvature);");
            }
        }
    }
}
