namespace LeNet5.Runtime;

/// <summary>The loss an architecture trains with.</summary>
public enum LossKind
{
    /// <summary>Softmax over the logits followed by the negative log-likelihood of the true class.</summary>
    SoftmaxCrossEntropy,

    /// <summary>
    /// The MAP criterion of LeCun et al. 1998 (eq. 9) on logits z_i = -y_i (an RBF layer's negated distances):
    /// <c>E = -z_D + log(exp(-j) + sum_i exp(z_i))</c>, a softmax cross-entropy with one extra constant logit -j
    /// (<see cref="INetwork.LossConstant"/>) that keeps classes already far away from being pushed further.
    /// </summary>
    MapCriterion,
}
