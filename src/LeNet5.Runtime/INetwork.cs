namespace LeNet5.Runtime;

/// <summary>
/// A network generated from an architecture file. Every member is static so that generic code over
/// <c>TNetwork : struct, INetwork</c> is specialised by the JIT and calls the generated kernels directly.
/// </summary>
/// <remarks>
/// Buffers are flat <see cref="float"/> spans. Images are laid out <c>[batch, channels, height, width]</c>;
/// parameters follow PyTorch's layout (conv weights <c>[out, in, kh, kw]</c>, dense weights <c>[out, in]</c>,
/// biases <c>[out]</c>) at the offsets given by <see cref="ParameterTensors"/>.
/// </remarks>
public interface INetwork
{
    /// <summary>The <c>name</c> declared in the architecture file.</summary>
    static abstract string Name { get; }

    /// <summary>Channels of one input image.</summary>
    static abstract int InputChannels { get; }

    /// <summary>Height of one input image, before any padding layer.</summary>
    static abstract int InputHeight { get; }

    /// <summary>Width of one input image, before any padding layer.</summary>
    static abstract int InputWidth { get; }

    /// <summary>Floats per input image (<c>channels * height * width</c>).</summary>
    static abstract int InputSize { get; }

    /// <summary>Number of classes, the length of one image's logits.</summary>
    static abstract int ClassCount { get; }

    /// <summary>The name of each class, from the architecture file's <c>classNames</c>; the indices as text when it has none.</summary>
    static abstract IReadOnlyList<string> ClassNames { get; }

    /// <summary>Total number of trainable parameters.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>Floats per image that <see cref="ForwardTrain"/> keeps for <see cref="Backward"/>.</summary>
    static abstract int ActivationSize { get; }

    /// <summary>Floats per image of scratch space needed by <see cref="Infer"/> and <see cref="Backward"/>.</summary>
    static abstract int WorkspaceSize { get; }

    /// <summary>The loss the architecture declares.</summary>
    static abstract LossKind Loss { get; }

    /// <summary>
    /// The constant j of <see cref="LossKind.MapCriterion"/> (an extra logit -j joins the softmax); 0 for the other losses.
    /// </summary>
    static virtual float LossConstant => 0f;

    /// <summary>
    /// How the network wants its input pixels (the architecture file's <c>input.scale</c>); the replications'
    /// standardization unless declared.
    /// </summary>
    static virtual InputScaling InputScaling => InputScaling.Standardized;

    /// <summary>Named parameter tensors in PyTorch <c>state_dict</c> order and naming (<c>c1.weight</c>, <c>c1.bias</c>, ...).</summary>
    static abstract IReadOnlyList<ParameterTensor> ParameterTensors { get; }

    /// <summary>The layers in order, as declared in the architecture file, with their inferred shapes.</summary>
    static abstract IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>
    /// The training recipe declared in the architecture file's <c>training</c> section (what it leaves out keeps the
    /// defaults of <see cref="TrainingRecipe"/>); change a copy with <c>with { }</c>.
    /// </summary>
    static abstract TrainingRecipe Training { get; }

    /// <summary>Fills <paramref name="parameters"/> with PyTorch's default initialisation, drawn from <paramref name="random"/>.</summary>
    static abstract void InitializeParameters(Span<float> parameters, Random random);

    /// <summary>Inference forward pass: writes <c>batch * ClassCount</c> logits; keeps nothing.</summary>
    /// <param name="parameters">All parameters, <see cref="ParameterCount"/> floats.</param>
    /// <param name="input"><c>batch * InputSize</c> floats.</param>
    /// <param name="logits"><c>batch * ClassCount</c> floats, written.</param>
    /// <param name="workspace">At least <c>batch * WorkspaceSize</c> floats of scratch.</param>
    /// <param name="batch">Number of images.</param>
    static abstract void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch);

    /// <summary>Training forward pass: keeps every layer's output in <paramref name="activations"/> and writes the logits.</summary>
    /// <param name="parameters">All parameters.</param>
    /// <param name="input"><c>batch * InputSize</c> floats.</param>
    /// <param name="activations">At least <c>batch * ActivationSize</c> floats, written.</param>
    /// <param name="logits"><c>batch * ClassCount</c> floats, written.</param>
    /// <param name="batch">Number of images.</param>
    static abstract void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch);

    /// <summary>
    /// Training forward pass with the step's training noise (the dropout masks; see <see cref="TrainingNoise"/>). A
    /// network whose <see cref="UsesTrainingNoise"/> is false has none and need not implement it.
    /// </summary>
    /// <param name="parameters">All parameters.</param>
    /// <param name="input"><c>batch * InputSize</c> floats.</param>
    /// <param name="activations">At least <c>batch * ActivationSize</c> floats, written (with the masks dropout keeps for backward).</param>
    /// <param name="logits"><c>batch * ClassCount</c> floats, written.</param>
    /// <param name="batch">Number of images.</param>
    /// <param name="noise">Seed, step and the index in the step's batch of the first image.</param>
    static virtual void ForwardTrainWithNoise(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch, TrainingNoise noise)
        => throw new NotSupportedException("This network has no training noise: call ForwardTrain.");

    /// <summary>Whether training should pass <see cref="TrainingNoise"/> (the network has dropout).</summary>
    static virtual bool UsesTrainingNoise => false;

    /// <summary>
    /// Backward pass for the batch last run through <see cref="ForwardTrain"/>: <b>adds</b> the gradient of the loss
    /// with respect to every parameter into <paramref name="parameterGradients"/>, and writes the gradient with
    /// respect to the input into <paramref name="inputGradient"/> unless it is empty.
    /// </summary>
    /// <param name="parameters">All parameters.</param>
    /// <param name="input">The input given to <see cref="ForwardTrain"/>.</param>
    /// <param name="activations">The activations written by <see cref="ForwardTrain"/>.</param>
    /// <param name="logitsGradient">d loss / d logits, <c>batch * ClassCount</c> floats.</param>
    /// <param name="parameterGradients"><see cref="ParameterCount"/> floats, accumulated into.</param>
    /// <param name="inputGradient"><c>batch * InputSize</c> floats, written; or empty to skip.</param>
    /// <param name="workspace">At least <c>batch * WorkspaceSize</c> floats of scratch.</param>
    /// <param name="batch">Number of images.</param>
    static abstract void Backward(
        ReadOnlySpan<float> parameters,
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> activations,
        ReadOnlySpan<float> logitsGradient,
        Span<float> parameterGradients,
        Span<float> inputGradient,
        Span<float> workspace,
        int batch);

    /// <summary>
    /// Second-order backward pass for the batch last run through <see cref="ForwardTrain"/> (LeCun et al. 1998,
    /// appendix C): <b>adds</b>, for every image and parameter, the Gauss-Newton estimate of the diagonal second
    /// derivative of the loss into <paramref name="parameterCurvature"/>. Second derivatives travel backwards like
    /// gradients, with every Jacobian entry squared: through an activation they are multiplied by f'(a)^2; a weight
    /// w_ij passes w_ij^2 times the output's curvature to input j and receives x_j^2 times it, summed over every
    /// connection that shares it. Terms in f'' and off the diagonal are dropped, so every estimate is non-negative.
    /// </summary>
    /// <param name="parameters">All parameters.</param>
    /// <param name="input">The input given to <see cref="ForwardTrain"/>.</param>
    /// <param name="activations">The activations written by <see cref="ForwardTrain"/>.</param>
    /// <param name="logitsCurvature">d^2 loss / d logit^2 per image, <c>batch * ClassCount</c> floats (see <see cref="Losses.LogitsCurvature{TNetwork}"/>).</param>
    /// <param name="parameterCurvature"><see cref="ParameterCount"/> floats, accumulated into.</param>
    /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats of scratch (the images are taken one at a time).</param>
    /// <param name="batch">Number of images.</param>
    /// <exception cref="NotSupportedException">The network has no second-order pass (hand-written networks).</exception>
    static virtual void BackwardCurvature(
        ReadOnlySpan<float> parameters,
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> activations,
        ReadOnlySpan<float> logitsCurvature,
        Span<float> parameterCurvature,
        Span<float> workspace,
        int batch)
        => throw new NotSupportedException("this network has no second-order backward pass; only generated networks do");
}
