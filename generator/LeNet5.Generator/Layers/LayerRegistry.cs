using System;

namespace LeNet5.Generator
{
    /// <summary>
    /// The one place that maps a layer kind to the emitter that owns it. Adding a kind: its <see cref="LayerKind"/> member
    /// and parser entry, one <see cref="LayerEmitter"/> file, its line here, its schema entry and its tests (see
    /// generator/README.md).
    /// </summary>
    internal static class LayerRegistry
    {
        public static LayerEmitter For(LayerKind kind)
        {
            switch (kind)
            {
                case LayerKind.Pad: return PadEmitter.Instance;
                case LayerKind.Conv2d: return Conv2dEmitter.Instance;
                case LayerKind.AvgPool2d: return PoolEmitter.Average;
                case LayerKind.MaxPool2d: return PoolEmitter.Max;
                case LayerKind.Dense: return DenseEmitter.Instance;
                case LayerKind.Subsample2d: return SubsampleEmitter.Instance;
                case LayerKind.Rbf: return RbfEmitter.Instance;
                case LayerKind.Dropout: return DropoutEmitter.Instance;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "No emitter is registered for this layer kind.");
            }
        }
    }
}
