namespace LeNet5.Runtime;

/// <summary>Parameters read from a checkpoint, with the metadata saved beside them.</summary>
/// <param name="Parameters">The flat parameter buffer, in the layout of the architecture's <see cref="INetwork.ParameterTensors"/>.</param>
/// <param name="Metadata">The <c>__metadata__</c> entries of the file (architecture, training recipe, ...).</param>
public sealed record Checkpoint(float[] Parameters, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The metadata key holding the architecture name.</summary>
    public const string ArchitectureKey = "architecture";

    /// <summary>Saves the parameters of <typeparamref name="TNetwork"/> (see <see cref="SafeTensors.Save"/>).</summary>
    public static void Save<TNetwork>(string path, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
        where TNetwork : struct, INetwork
    {
        var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { [ArchitectureKey] = TNetwork.Name };
        all.TryAdd("parameter_count", TNetwork.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SafeTensors.Save(path, TNetwork.ParameterTensors, parameters, all);
    }

    /// <summary>Loads and validates a checkpoint of <typeparamref name="TNetwork"/> (see <see cref="SafeTensors.Load(string, string, IReadOnlyList{ParameterTensor}, int)"/>).</summary>
    public static Checkpoint Load<TNetwork>(string path) where TNetwork : struct, INetwork
    {
        Checkpoint checkpoint = SafeTensors.Load(path, TNetwork.Name, TNetwork.ParameterTensors, TNetwork.ParameterCount);
        return checkpoint;
    }
}
