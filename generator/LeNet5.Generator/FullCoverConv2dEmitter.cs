namespace LeNet5.Generator
{
    /// <summary>
    /// A conv2d whose kernel covers its whole unpadded input (LeCun et al. 1998, C5: 16x5x5 -> 120x1x1). Its weights
    /// [filters, in, k, k] are exactly a dense layer's [units, in * k * k] in the same memory order, so it is emitted
    /// as one: a dot product per filter instead of one tiny row update per kernel tap.
    /// </summary>
    internal static class FullCoverConv2dEmitter
    {
        public static bool Applies(LayerModel layer)
            => layer.Spec.Kind == LayerKind.Conv2d
                && !layer.Spec.IsSparse
                && layer.Spec.Padding == 0
                && layer.Spec.Kernel == layer.Input.Height
                && layer.Spec.Kernel == layer.Input.Width;

        public static string Describe(LayerModel layer) => Conv2dEmitter.Describe(layer) + ", covering its input: computed as a dense layer";

        public static void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            Conv2dEmitter.EmitConstants(writer, layer);
            DenseEmitter.EmitConstants(writer, layer);
        }
    }
}
