using System;
using System.Globalization;

namespace LeNet5.Generator
{
    /// <summary>
    /// dropout: inverted dropout. In training each unit is dropped with probability <c>rate</c> and the others are scaled
    /// by 1 / (1 - rate); in inference the layer passes its input through. Whether unit u of an image is kept is a
    /// counter-based hash (SplitMix64, <c>LeNet5.Runtime.TrainingNoise</c>) of the run's seed, the step, the image's index
    /// in the step's batch, the layer and u: it does not depend on how the batch was cut into shards, so training stays
    /// bit-identical for any thread count. The training pass keeps the mask (0 or the scale per unit) after the batch's
    /// outputs, where backward and the curvature pass read it.
    /// </summary>
    internal sealed class DropoutEmitter : LayerEmitter
    {
        public static readonly DropoutEmitter Instance = new DropoutEmitter();

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
            => new LayerShape(input, Kept: input.Size);

        public override string Describe(LayerModel layer)
            => "dropout " + layer.Input + ", rate " + layer.Spec.Rate.ToString("R", CultureInfo.InvariantCulture) + " in training, identity in inference";

        /// <summary>A copy in inference: no multiply-adds, no connections.</summary>
        public override LayerCounts Counts(LayerModel layer) => LayerCounts.None;

        public override bool HasTrainingForward => true;

        public override LayerArguments BackwardArguments(LayerModel layer) => LayerArguments.Kept;

        public override LayerArguments CurvatureArguments(LayerModel layer) => LayerArguments.Kept;

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            double rate = layer.Spec.Rate;

            // A unit is dropped when the top 53 bits of its hash, as an integer, fall below rate * 2^53 (exact in double).
            ulong threshold = (ulong)Math.Round(rate * 9007199254740992.0);
            writer.Line($"public const float {p}Rate = {CodeWriter.Float(rate)};");
            writer.Line($"public const float {p}Scale = {CodeWriter.Float(1.0 / (1.0 - rate))};");
            writer.Line($"public const ulong {p}DropThreshold = {threshold}UL;");
            writer.Line($"public const int {p}MaskOffset = {p}ActivationOffset + {p}OutputSize;");
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line($"// {layer.Spec.Name}: {Describe(layer)}: inference passes the input through");
            using (writer.Block($"private static void {p}Forward(float* input, float* output)"))
            {
                writer.Line($"new ReadOnlySpan<float>(input, {p}OutputSize).CopyTo(new Span<float>(output, {p}OutputSize));");
            }
        }

        public override void EmitTrainingForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line($"// {layer.Spec.Name}: training keeps unit j with probability 1 - {p}Rate, scaled by {p}Scale, as the step's noise says for");
            writer.Line("// this image; the mask (0 or the scale) is kept for backward. Without noise every unit is kept as it is.");
            using (writer.Block($"private static void {p}ForwardTrain(float* input, float* output, float* mask, {RuntimeTypes.TrainingNoise} noise, int image)"))
            {
                using (writer.Block("if (!noise.Active)"))
                {
                    writer.Line($"new Span<float>(mask, {p}OutputSize).Fill(1.0f);");
                    writer.Line($"new ReadOnlySpan<float>(input, {p}OutputSize).CopyTo(new Span<float>(output, {p}OutputSize));");
                    writer.Line("return;");
                }

                writer.Line();
                writer.Line($"ulong key = noise.Key({layer.Index}, image);");
                using (writer.Block($"for (int j = 0; j < {p}OutputSize; j++)"))
                {
                    writer.Line($"float scale = ({RuntimeTypes.TrainingNoise}.Bits(key, j) >> 11) < {p}DropThreshold ? 0.0f : {p}Scale;");
                    writer.Line("mask[j] = scale;");
                    writer.Line("output[j] = input[j] * scale;");
                }
            }
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line($"// {layer.Spec.Name}: backward of {Describe(layer)}: the gradient goes through the kept mask");
            using (writer.Block($"private static void {p}Backward(float* mask, float* outputGradient, float* inputGradient)"))
            using (writer.Block($"for (int j = 0; j < {p}OutputSize; j++)"))
            {
                writer.Line("inputGradient[j] = outputGradient[j] * mask[j];");
            }
        }

        /// <summary>The Jacobian is diagonal with the mask on it: curvature is multiplied by its square.</summary>
        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line($"// {layer.Spec.Name}: curvature goes through the square of the kept mask");
            using (writer.Block($"private static void {p}Curvature(float* mask, float* outputCurvature, float* inputCurvature)"))
            using (writer.Block($"for (int j = 0; j < {p}OutputSize; j++)"))
            {
                writer.Line("inputCurvature[j] = outputCurvature[j] * mask[j] * mask[j];");
            }
        }
    }
}
