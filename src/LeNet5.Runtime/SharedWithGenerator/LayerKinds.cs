// Compiled into LeNet5.Runtime, where it is public, and linked into LeNet5.Generator (which defines LENET5_GENERATOR),
// where it is internal: the generator parses architecture files with the names tools print and write.
#if LENET5_GENERATOR
namespace LeNet5.Generator;
#else
namespace LeNet5.Runtime;
#endif

/// <summary>The layer kinds' names, as architecture files and <see cref="LayerDescription"/> readers spell them.</summary>
#if LENET5_GENERATOR
internal
#else
public
#endif
static class LayerKinds
{
    // In the order of LayerKind.
    private static readonly string[] Names = { "pad", "conv2d", "sparse_conv2d", "avgpool2d", "maxpool2d", "dense", "subsample2d", "rbf", "dropout" };

    /// <summary>The name of <paramref name="kind"/>: <c>pad</c>, <c>conv2d</c>, <c>sparse_conv2d</c>, <c>avgpool2d</c>, ...</summary>
    public static string Name(LayerKind kind) =>
        (uint)kind < (uint)Names.Length ? Names[(int)kind] : throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "not a layer kind");

    /// <summary>
    /// The kind an architecture file's <c>kind</c> names (exact spelling); false for any other text, <c>sparse_conv2d</c>
    /// included, since a file writes a sparse convolution as a <c>conv2d</c> with <c>connections</c>.
    /// </summary>
    public static bool TryParse(string? name, out LayerKind kind)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if ((LayerKind)i != LayerKind.SparseConv2d && string.Equals(Names[i], name, System.StringComparison.Ordinal))
            {
                kind = (LayerKind)i;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
