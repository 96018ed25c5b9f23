using LeNet5.Runtime.Loss;

namespace LeNet5.Runtime;

/// <summary>
/// A network generated from an architecture file: its <see cref="Description"/> and its kernels. Every member is static
/// so that generic code over <c>TNetwork : struct, INetwork</c> is specialised by the JIT and calls the generated kernels
/// directly.
/// </summary>
/// <remarks>
/// Buffers are flat <see cref="float"/> spans. Images are laid out <c>[batch, channels, height, width]</c>;
/// parameters follow PyTorch's layout (conv weights <c>[out, in, kh, kw]</c>, dense weights <c>[out, in]</c>,
/// biases <c>[out]</c>) at the offsets given by <see cref="NetworkDescription.ParameterTensors"/>.
/// </remarks>
public interface INetwork
{
    /// <summary>
    /// What the network is: its name, input, classes, sizes, loss, input scaling, parameter tensors, layers and training
    /// recipe. The same instance on every call; generic code that reads it in a loop may keep it in a local.
    /// </summary>
    static abstract NetworkDescription Description { get; }

    /// <summary>Fills <paramref name="parameters"/> with PyTorch's default initialisation, drawn from <paramref name="random"/>.</summary>
    static abstract void InitializeParameters(Span<float> parameters, Random random);

    /// <summary>Inference forward pass: writes <c>batch * ClassCount</c> logits; keeps nothing.</summary>
    /// <param name="parameters">All parameters, <see cref="NetworkDescription.ParameterCount"/> floats.</param>
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
    /// <param name="parameterGradients"><see cref="NetworkDescription.ParameterCount"/> floats, accumulated into.</param>
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
    /// <param name="parameterCurvature"><see cref="NetworkDescription.ParameterCount"/> floats, accumulated into.</param>
    /// <param name="workspace">At least <see cref="NetworkDescription.WorkspaceSize"/> floats of scratch (the images are taken one at a time).</param>
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
