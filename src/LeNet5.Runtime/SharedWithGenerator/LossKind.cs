// Compiled into LeNet5.Runtime, where it is public, and linked into LeNet5.Generator (which defines LENET5_GENERATOR),
// where it is internal: the generator reads architecture files into the very enum the generated code names.
#if LENET5_GENERATOR
namespace LeNet5.Generator;
#else
namespace LeNet5.Runtime;
#endif

/// <summary>The loss an architecture trains with.</summary>
#if LENET5_GENERATOR
internal
#else
public
#endif
enum LossKind
{
    /// <summary>Softmax over the logits followed by the negative log-likelihood of the true class.</summary>
    SoftmaxCrossEntropy,

    /// <summary>
    /// The MAP criterion of LeCun et al. 1998 (eq. 9) on logits z_i = -y_i (an RBF layer's negated distances):
    /// <c>E = -z_D + log(exp(-j) + sum_i exp(z_i))</c>, a softmax cross-entropy with one extra constant logit -j
    /// (<see cref="NetworkDescription.LossConstant"/>) that keeps classes already far away from being pushed further.
    /// </summary>
    MapCriterion,
}
