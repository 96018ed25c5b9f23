using System.Globalization;

namespace LeNet5.Runtime;

/// <summary>
/// Saves and restores an optimizer's state (step count and buffers) in a safetensors file beside a checkpoint, so
/// that training resumed from it continues exactly as if it had not stopped. Tensors are named
/// <c>{parameter}.{buffer}</c>, for example <c>c1.weight.momentum_buffer</c>, with the parameter's shape.
/// </summary>
public static class OptimizerCheckpoint
{
    private const string OptimizerKey = "optimizer";
    private const string StepKey = "step";

    /// <summary>The optimizer-state file that belongs to <paramref name="checkpoint"/>.</summary>
    public static string PathFor(string checkpoint) => Path.ChangeExtension(checkpoint, ".optimizer.safetensors");

    /// <summary>Saves the state of <paramref name="optimizer"/> (atomically).</summary>
    public static void Save<TNetwork>(string path, string optimizerName, IOptimizer optimizer) where TNetwork : struct, INetwork
    {
        IReadOnlyList<(string Name, float[] Buffer)> buffers = optimizer.StateBuffers;
        var all = new float[buffers.Count * TNetwork.ParameterCount];
        for (int k = 0; k < buffers.Count; k++) buffers[k].Buffer.CopyTo(all, k * TNetwork.ParameterCount);
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.ArchitectureKey] = TNetwork.Name,
            [OptimizerKey] = optimizerName.ToLowerInvariant(),
            [StepKey] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
        };
        SafeTensors.Save(path, Tensors<TNetwork>(buffers), all, metadata);
    }

    /// <summary>Restores a state saved by <see cref="Save"/> into <paramref name="optimizer"/> (created with the same recipe).</summary>
    /// <exception cref="CheckpointException">The file is missing or malformed, or was saved by another optimizer.</exception>
    public static void Load<TNetwork>(string path, string optimizerName, IOptimizer optimizer) where TNetwork : struct, INetwork
    {
        IReadOnlyList<(string Name, float[] Buffer)> buffers = optimizer.StateBuffers;
        if (!File.Exists(path)) throw new CheckpointException($"{path}: optimizer state not found; it is written beside every checkpoint by 'lenet5 train'");
        Checkpoint state = SafeTensors.Load(path, TNetwork.Name, Tensors<TNetwork>(buffers), buffers.Count * TNetwork.ParameterCount);
        if (!state.Metadata.TryGetValue(OptimizerKey, out string? saved) || !string.Equals(saved, optimizerName, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException($"{path}: optimizer state of '{saved ?? "unknown"}' cannot resume training with '{optimizerName}'");
        if (!state.Metadata.TryGetValue(StepKey, out string? stepText) || !int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            throw new CheckpointException($"{path}: optimizer state has no valid '{StepKey}' in its metadata");
        for (int k = 0; k < buffers.Count; k++)
            state.Parameters.AsSpan(k * TNetwork.ParameterCount, TNetwork.ParameterCount).CopyTo(buffers[k].Buffer);
        optimizer.RestoreStepCount(step);
    }

    private static List<ParameterTensor> Tensors<TNetwork>(IReadOnlyList<(string Name, float[] Buffer)> buffers) where TNetwork : struct, INetwork
    {
        var tensors = new List<ParameterTensor>();
        for (int k = 0; k < buffers.Count; k++)
        {
            foreach (ParameterTensor tensor in TNetwork.ParameterTensors)
                tensors.Add(new ParameterTensor($"{tensor.Name}.{buffers[k].Name}", k * TNetwork.ParameterCount + tensor.Offset, tensor.Shape));
        }
        return tensors;
    }
}
