namespace LeNet5.Generator
{
    internal enum LayerKind
    {
        Pad,
        Conv2d,
        AvgPool2d,
        MaxPool2d,
        Dense,
    }

    internal enum ActivationKind
    {
        None,
        Tanh,
        Relu,
        Sigmoid,
        ScaledTanh,
    }

    /// <summary>
    /// One layer as declared in the architecture file. <see cref="Size"/> is the filter count of a conv or the unit count
    /// of a dense layer; <see cref="Kernel"/> the conv kernel or pooling window; spans locate values for diagnostics.
    /// </summary>
    internal sealed record LayerSpec(
        string Name,
        LayerKind Kind,
        int Size,
        int Kernel,
        int Stride,
        int Padding,
        double PadValue,
        ActivationKind Activation,
        SourceSpan NameSpan,
        SourceSpan KernelSpan,
        SourceSpan ActivationSpan);

    /// <summary>The <c>training</c> section, with the schema's defaults filled in.</summary>
    internal sealed record TrainingSpec(int Epochs, int BatchSize, string Optimizer, double LearningRate, double LearningRateDecay, double Momentum, double WeightDecay, int Seed)
    {
        public static readonly TrainingSpec Default = new TrainingSpec(10, 64, "adam", 0.001, 1, 0.9, 0, 1);
    }

    /// <summary>A whole architecture file, parsed and checked field by field (shapes are checked by <see cref="ShapeInference"/>).</summary>
    internal sealed record NetworkSpec(
        string FilePath,
        string Name,
        int InputChannels,
        int InputHeight,
        int InputWidth,
        int Classes,
        EquatableArray<LayerSpec> Layers,
        TrainingSpec Training,
        SourceSpan ClassesSpan,
        SourceSpan NameSpan);

    /// <summary>The output of the parse step: a spec if the file had no errors, and the diagnostics found.</summary>
    internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>Shape of one image's feature maps.</summary>
    internal readonly record struct Shape(int Channels, int Height, int Width)
    {
        public int Size => Channels * Height * Width;

        public override string ToString() => Channels + "x" + Height + "x" + Width;
    }

    /// <summary>A layer with everything the emitter needs: shapes, parameter and activation offsets.</summary>
    internal sealed record LayerModel(
        LayerSpec Spec,
        int Index,
        string Identifier,
        Shape Input,
        Shape Output,
        int WeightOffset,
        int WeightLength,
        int BiasOffset,
        int BiasLength,
        int FanIn,
        int ActivationOffset)
    {
        public bool HasParameters => WeightLength > 0;
    }

    /// <summary>A network ready to emit.</summary>
    internal sealed record NetworkModel(
        NetworkSpec Spec,
        string TypeName,
        EquatableArray<LayerModel> Layers,
        int ParameterCount,
        int ActivationSize,
        int LargestMapSize)
    {
        public Shape InputShape => new Shape(Spec.InputChannels, Spec.InputHeight, Spec.InputWidth);
    }

    /// <summary>The output of the shape-inference step.</summary>
    internal sealed record ModelResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
