// Compiled into LeNet5.Runtime, where it is public, and linked into LeNet5.Generator (which defines LENET5_GENERATOR),
// where it is internal: the generator reads architecture files into the very enum the generated code names.
#if LENET5_GENERATOR
namespace LeNet5.Generator;
#else
namespace LeNet5.Runtime;
#endif

/// <summary>The activations a layer can apply to its output; <see cref="Activations"/> gives their names.</summary>
#if LENET5_GENERATOR
internal
#else
public
#endif
enum ActivationKind
{
    /// <summary><c>none</c>: the output as computed.</summary>
    None,

    /// <summary><c>tanh</c>.</summary>
    Tanh,

    /// <summary><c>relu</c>: max(0, x).</summary>
    Relu,

    /// <summary><c>sigmoid</c>: 1 / (1 + exp(-x)).</summary>
    Sigmoid,

    /// <summary><c>scaled_tanh</c>: the paper's A tanh(S x) (<see cref="Activations.ScaledTanhAmplitude"/>, <see cref="Activations.ScaledTanhSlope"/>).</summary>
    ScaledTanh,
}
