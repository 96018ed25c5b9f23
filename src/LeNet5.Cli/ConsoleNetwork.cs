using LeNet5.Runtime;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli;

/// <summary>A network the console offers, by name; non-generic so that a catalog can hold several.</summary>
public abstract class ConsoleNetwork
{
    private protected ConsoleNetwork() { }

    /// <summary>The architecture's name.</summary>
    public abstract string Name { get; }

    /// <summary>The architecture's training recipe (the defaults shown in <c>--help</c>).</summary>
    public abstract TrainingRecipe Training { get; }

    /// <summary>The checkpoint path used when none is given: <c>checkpoints/NAME.safetensors</c>.</summary>
    public string DefaultCheckpoint => Path.Combine("checkpoints", Name.ToLowerInvariant() + ".safetensors");

    /// <summary>Runs <paramref name="visitor"/> with this network's generated type.</summary>
    public abstract TResult Accept<TResult>(INetworkVisitor<TResult> visitor);
}

/// <summary>The console's entry for the generated network <typeparamref name="TNetwork"/>.</summary>
/// <typeparam name="TNetwork">The generated network.</typeparam>
public sealed class ConsoleNetwork<TNetwork> : ConsoleNetwork where TNetwork : struct, INetwork
{
    /// <inheritdoc />
    public override string Name => TNetwork.Description.Name;

    /// <inheritdoc />
    public override TrainingRecipe Training => TNetwork.Description.Training;

    /// <inheritdoc />
    public override TResult Accept<TResult>(INetworkVisitor<TResult> visitor) => visitor.Visit<TNetwork>();
}
