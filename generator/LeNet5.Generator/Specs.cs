namespace LeNet5.Generator
{
    internal enum InitializationKind
    {
        /// <summary>Uniform in +-1/sqrt(fan_in), as PyTorch.</summary>
        PyTorch,

        /// <summary>Uniform in +-2.4/fan_in, as LeCun et al. 1998.</summary>
        LeCunUniform,
    }

    /// <summary>
    /// One layer as declared in the architecture file. <see cref="Size"/> is the filter count of a conv or the unit count
    /// of a dense layer; <see cref="Kernel"/> the conv kernel or pooling window; <see cref="PadValue"/> the border of a pad
    /// layer, its <c>value</c> or the default the parser fills in; spans locate values for diagnostics.
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
        SourceSpan ActivationSpan,
        EquatableArray<EquatableArray<int>> Connections,
        SourceSpan ConnectionsSpan,
        EquatableArray<EquatableArray<double>> Prototypes,
        SourceSpan PrototypesSpan)
    {
        /// <summary>A conv2d with a connection table: output map o reads only the input maps listed in Connections[o].</summary>
        public bool IsSparse => Kind == LayerKind.Conv2d && Connections.Count > 0;

        /// <summary>The probability that a dropout layer drops a unit in training.</summary>
        public double Rate { get; init; }
    }

    /// <summary>
    /// The <c>training</c> section: the settings the file gives, null (or empty) for those it leaves out, which keep
    /// the defaults of the runtime's <c>TrainingRecipe</c>, the one place they are kept.
    /// </summary>
    internal sealed record TrainingSpec(
        int? Epochs,
        int? BatchSize,
        string? Optimizer,
        double? LearningRate,
        double? LearningRateDecay,
        double? Momentum,
        double? WeightDecay,
        int? Seed,
        EquatableArray<double> LearningRateSchedule,
        bool? Distort,
        double? Damping,
        int? CurvatureSamples)
    {
        /// <summary>A file without a <c>training</c> section: every setting the runtime's default.</summary>
        public static readonly TrainingSpec Default = new TrainingSpec(null, null, null, null, null, null, null, null, EquatableArray<double>.Empty, null, null, null);

        /// <summary>The optimizer names, as the runtime's <c>Optimizers.Names</c> has them (a test keeps the two equal).</summary>
        public static readonly string[] OptimizerNames = { "sgd", "adam", "sdlm" };

        /// <summary>The runtime's <c>OptimizerKind</c> member named <paramref name="name"/>: <c>sgd</c> is <c>Sgd</c>.</summary>
        public static string OptimizerMember(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>
    /// A whole architecture file, parsed and checked field by field (shapes are checked by <see cref="ShapeInference"/>).
    /// <see cref="ClassNames"/> has one name per class: the file's <c>classNames</c>, or the indices as text.
    /// </summary>
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
        SourceSpan NameSpan,
        InputScalingSpec InputScaling,
        LossKind Loss,
        double LossConstant,
        InitializationKind Initialization,
        EquatableArray<string> ClassNames);

    /// <summary>
    /// The values a background (0) and a foreground (255) pixel are mapped to; pixels in between are mapped linearly.
    /// The default is the replications' (x / 255 - 0.1307) / 0.3081.
    /// </summary>
    internal sealed record InputScalingSpec(double Background, double Foreground)
    {
        /// <summary>
        /// In float arithmetic, as the runtime's <c>MnistPreprocessing.Normalize</c> computes pixels 0 and 255, so that a pad
        /// border made of the background equals the image's own background pixels bit for bit.
        /// </summary>
        public static readonly InputScalingSpec Standardized = new InputScalingSpec(
            ((0f / 255f) - 0.1307f) / 0.3081f,
            ((255f / 255f) - 0.1307f) / 0.3081f);
    }

    /// <summary>The output of the parse step: a spec if the file had no errors, and the diagnostics found.</summary>
    /// <remarks><see cref="Outline"/> is what a file with errors still declares (its name, input and classes), or null.</remarks>
    internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, NetworkSpec? Outline = null);

    /// <summary>Shape of one image's feature maps.</summary>
    internal readonly record struct Shape(int Channels, int Height, int Width)
    {
        public int Size => Channels * Height * Width;

        public override string ToString() => Channels + "x" + Height + "x" + Width;
    }

    /// <summary>
    /// A layer with everything the emitter needs: shapes, parameter and activation offsets, and the emitter of its kind
    /// that shape inference chose once (<see cref="LayerRegistry"/>). <see cref="Kept"/> is what the training forward
    /// pass keeps per image beside the output (a dropout's mask), right after the batch's outputs.
    /// </summary>
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
        int ActivationOffset,
        int Kept,
        LayerEmitter Emitter,
        LayerPlan? Plan)
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
    /// <remarks>
    /// A file with errors has no <see cref="Model"/> but, when its name is known, a <see cref="Placeholder"/>: a network of
    /// the same name, input and classes whose generated types keep the code that uses them compiling, so the file's own
    /// diagnostics are the only errors of the build.
    /// </remarks>
    internal sealed record ModelResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, NetworkModel? Placeholder = null);
}
