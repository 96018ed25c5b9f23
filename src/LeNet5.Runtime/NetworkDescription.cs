using LeNet5.Runtime.Training;

namespace LeNet5.Runtime;

/// <summary>
/// What a network is, in one value: its input, classes, sizes, loss, input scaling, parameter tensors, layers and
/// training recipe, as its architecture file declares them with the shapes inferred at build time. Generic code reads
/// it through <see cref="INetwork.Description"/>; the kernels are <see cref="INetwork"/>'s methods.
/// </summary>
public sealed record NetworkDescription
{
    /// <summary>The <c>name</c> declared in the architecture file.</summary>
    public required string Name { get; init; }

    /// <summary>The shape of one input image, before any padding layer.</summary>
    public required FeatureShape Input { get; init; }

    /// <summary>Floats per input image (<c>channels * height * width</c>).</summary>
    public int InputSize => Input.Size;

    /// <summary>The name of each class, from the architecture file's <c>classNames</c>; the indices as text when it has none.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Number of classes, the length of one image's logits.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Total number of trainable parameters.</summary>
    public required int ParameterCount { get; init; }

    /// <summary>Floats per image that <see cref="INetwork.ForwardTrain"/> keeps for <see cref="INetwork.Backward"/>.</summary>
    public required int ActivationSize { get; init; }

    /// <summary>Floats per image of scratch space needed by <see cref="INetwork.Infer"/> and <see cref="INetwork.Backward"/>.</summary>
    public required int WorkspaceSize { get; init; }

    /// <summary>The loss the architecture declares.</summary>
    public required LossKind Loss { get; init; }

    /// <summary>
    /// The constant j of <see cref="LossKind.MapCriterion"/> (an extra logit -j joins the softmax); 0 for the other losses.
    /// </summary>
    public float LossConstant { get; init; }

    /// <summary>
    /// How the network wants its input pixels (the architecture file's <c>input.scale</c>); the replications'
    /// standardization unless declared.
    /// </summary>
    public InputScaling InputScaling { get; init; } = InputScaling.Standardized;

    /// <summary>Named parameter tensors in PyTorch <c>state_dict</c> order and naming (<c>c1.weight</c>, <c>c1.bias</c>, ...).</summary>
    public required IReadOnlyList<ParameterTensor> ParameterTensors { get; init; }

    /// <summary>The layers in order, as declared in the architecture file, with their inferred shapes.</summary>
    public required IReadOnlyList<LayerDescription> Layers { get; init; }

    /// <summary>
    /// The training recipe declared in the architecture file's <c>training</c> section (what it leaves out keeps the
    /// defaults of <see cref="TrainingRecipe"/>); change a copy with <c>with { }</c>.
    /// </summary>
    public required TrainingRecipe Training { get; init; }
}
