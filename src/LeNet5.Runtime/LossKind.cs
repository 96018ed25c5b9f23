namespace LeNet5.Runtime;

/// <summary>The loss an architecture trains with.</summary>
public enum LossKind
{
    /// <summary>Softmax over the logits followed by the negative log-likelihood of the true class.</summary>
    SoftmaxCrossEntropy,
}
