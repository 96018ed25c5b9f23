using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// A conv2d whose kernel covers its whole unpadded input (LeCun et al. 1998, C5: 16x5x5 -> 120x1x1). Its weights
    /// [filters, in, k, k] are exactly a dense layer's [units, in * k * k] in the same memory order, so it is emitted
    /// as one: a dot product per filter instead of one tiny row update per kernel tap. It describes, counts and names
    /// its tensors as the conv it is.
    /// </summary>
    internal sealed class FullCoverConv2dEmitter : LayerEmitter
    {
        public static readonly FullCoverConv2dEmitter Instance = new FullCoverConv2dEmitter();


        private static Conv2dEmitter Conv => Conv2dEmitter.Instance;

        private static DenseEmitter Dense => DenseEmitter.Instance;

        public static bool Covers(LayerSpec layer, Shape input)
            => !layer.IsSparse && layer.Padding == 0 && layer.Kernel == input.Height && layer.Kernel == input.Width;

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report) => Conv.Infer(layer, input, report);

        public override string Describe(LayerModel layer) => Conv.Describe(layer) + ", covering its input: computed as a dense layer";

        public override LayerCounts Counts(LayerModel layer) => Conv.Counts(layer);

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            Conv.EmitConstants(writer, layer);
            Dense.EmitConstants(writer, layer);
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer) => Dense.EmitForward(writer, layer);

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional) => Dense.EmitBackward(writer, layer, inputGradientOptional);

        public override void EmitCurvature(CodeWriter writer, LayerModel layer) => Dense.EmitCurvature(writer, layer);

        public override bool WorksOnTheBatch => true;

        public override KernelHelpers Helpers(LayerModel layer) => Dense.Helpers(layer);

        public override LayerKind DescribedKind(LayerModel layer) => Conv.DescribedKind(layer);

        public override int DescribedStride(LayerModel layer) => Conv.DescribedStride(layer);

        public override IReadOnlyList<(string Constant, int Value)> WeightDimensions(LayerModel layer) => Conv.WeightDimensions(layer);

        public override (string Constant, int Value) BiasDimension(LayerModel layer) => Conv.BiasDimension(layer);
    }
}
