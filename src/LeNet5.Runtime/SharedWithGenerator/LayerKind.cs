// Compiled into LeNet5.Runtime, where it is public, and linked into LeNet5.Generator (which defines LENET5_GENERATOR),
// where it is internal: the generator reads architecture files into the very enum the generated code names.
#if LENET5_GENERATOR
namespace LeNet5.Generator;
#else
namespace LeNet5.Runtime;
#endif

/// <summary>The kinds of layer an architecture file declares; <see cref="LayerKinds"/> gives their names.</summary>
#if LENET5_GENERATOR
internal
#else
public
#endif
enum LayerKind
{
    /// <summary><c>pad</c>: a constant border around every map.</summary>
    Pad,

    /// <summary><c>conv2d</c>: a convolution where every filter reads every input map.</summary>
    Conv2d,

    /// <summary>
    /// <c>sparse_conv2d</c>: a convolution with a connection table, filter o reading only the input maps its row lists. An
    /// architecture file writes it as a <c>conv2d</c> with <c>connections</c>.
    /// </summary>
    SparseConv2d,

    /// <summary><c>avgpool2d</c>: the mean of each window.</summary>
    AvgPool2d,

    /// <summary><c>maxpool2d</c>: the largest value of each window.</summary>
    MaxPool2d,

    /// <summary><c>dense</c>: a fully connected layer.</summary>
    Dense,

    /// <summary><c>subsample2d</c>: the paper's trainable subsampling, a coefficient times each window's sum plus a bias, per map.</summary>
    Subsample2d,

    /// <summary><c>rbf</c>: the paper's output layer, minus the squared distance of the input to each unit's fixed prototype.</summary>
    Rbf,

    /// <summary><c>dropout</c>: inverted dropout in training, the identity in inference.</summary>
    Dropout,
}
