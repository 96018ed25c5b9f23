namespace LeNet5.Runtime.Checkpoints;

/// <summary>Parameters read from a checkpoint, with the metadata saved beside them.</summary>
/// <param name="Parameters">The flat parameter buffer, in the layout of the architecture's <see cref="NetworkDescription.ParameterTensors"/>.</param>
/// <param name="Metadata">The <c>__metadata__</c> entries of the file (architecture, training recipe, ...).</param>
public sealed record Checkpoint(float[] Parameters, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The metadata key holding the architecture name.</summary>
    public const string ArchitectureKey = "architecture";

    /// <summary>The metadata key holding <see cref="ContentHash"/> of the saved parameters.</summary>
    public const string ContentHashKey = "parameters_sha256";

    /// <summary>The metadata key holding the id of the training run that wrote the file (kept across resumes).</summary>
    public const string RunIdKey = "run_id";

    /// <summary>The file's tensors that a <see cref="StateDictImport"/> with <see cref="StateDictImport.IgnoreExtraTensors"/> skipped, by their names in the file.</summary>
    public IReadOnlyList<string> IgnoredTensors { get; init; } = [];

    /// <summary>SHA-256 of the parameters as little-endian floats, lowercase hex: what an optimizer state is bound to.</summary>
    public static string ContentHash(ReadOnlySpan<float> parameters)
    {
        var bytes = new byte[parameters.Length * 4L];
        for (int i = 0; i < parameters.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), parameters[i]);
        return System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    /// <summary>Saves the parameters of <typeparamref name="TNetwork"/> (see <see cref="SafeTensors.Save"/>) with their <see cref="ContentHash"/>.</summary>
    public static void Save<TNetwork>(string path, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
        where TNetwork : struct, INetwork
    {
        var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { [ArchitectureKey] = TNetwork.Description.Name };
        all.TryAdd("parameter_count", TNetwork.Description.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        all[ContentHashKey] = ContentHash(parameters);
        SafeTensors.Save(path, TNetwork.Description.ParameterTensors, parameters, all);
    }

    /// <summary>Loads and validates a checkpoint of <typeparamref name="TNetwork"/> (see <see cref="SafeTensors.Load(string, string, IReadOnlyList{ParameterTensor}, int)"/>).</summary>
    public static Checkpoint Load<TNetwork>(string path) where TNetwork : struct, INetwork
        => SafeTensors.Load(path, TNetwork.Description.Name, TNetwork.Description.ParameterTensors, TNetwork.Description.ParameterCount);

    /// <summary>
    /// Loads a <c>state_dict</c> of <typeparamref name="TNetwork"/> saved by another program, whose tensor names differ or
    /// that holds other tensors too, as <paramref name="import"/> says (for example PyTorch's <c>out.weight</c> as
    /// <c>output.weight</c>: <c>new StateDictImport([new TensorRename("out", "output")])</c>).
    /// </summary>
    public static Checkpoint Load<TNetwork>(string path, StateDictImport import) where TNetwork : struct, INetwork
        => SafeTensors.Load(path, TNetwork.Description.Name, TNetwork.Description.ParameterTensors, TNetwork.Description.ParameterCount, import);
}
