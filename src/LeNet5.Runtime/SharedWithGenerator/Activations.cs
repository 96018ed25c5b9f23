// Compiled into LeNet5.Runtime, where it is public, and linked into LeNet5.Generator (which defines LENET5_GENERATOR),
// where it is internal: the generated kernels and the tools that rebuild them (the ONNX export) use the same constants.
#if LENET5_GENERATOR
namespace LeNet5.Generator;
#else
namespace LeNet5.Runtime;
#endif

/// <summary>The activations' names, as architecture files spell them, and the constants of the paper's scaled tanh.</summary>
#if LENET5_GENERATOR
internal
#else
public
#endif
static class Activations
{
    /// <summary>The amplitude A of <see cref="ActivationKind.ScaledTanh"/>, A tanh(S x): 1.7159 (LeCun et al. 1998, appendix A).</summary>
    public const double ScaledTanhAmplitude = 1.7159;

    /// <summary>The slope S of <see cref="ActivationKind.ScaledTanh"/>, A tanh(S x): 2/3.</summary>
    public const double ScaledTanhSlope = 2.0 / 3.0;

    // In the order of ActivationKind.
    private static readonly string[] Names = { "none", "tanh", "relu", "sigmoid", "scaled_tanh" };

    /// <summary>The name of <paramref name="activation"/>: <c>none</c>, <c>tanh</c>, <c>relu</c>, <c>sigmoid</c> or <c>scaled_tanh</c>.</summary>
    public static string Name(ActivationKind activation) =>
        (uint)activation < (uint)Names.Length ? Names[(int)activation] : throw new System.ArgumentOutOfRangeException(nameof(activation), activation, "not an activation");

    /// <summary>The activation an architecture file's <c>activation</c> names (exact spelling); false for any other text.</summary>
    public static bool TryParse(string? name, out ActivationKind activation)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, System.StringComparison.Ordinal))
            {
                activation = (ActivationKind)i;
                return true;
            }
        }

        activation = default;
        return false;
    }
}
