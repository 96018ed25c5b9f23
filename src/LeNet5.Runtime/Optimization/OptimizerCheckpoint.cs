using System.Globalization;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime.Optimization;

/// <summary>
/// Saves and restores an optimizer's state (step count and buffers) in a safetensors file beside a checkpoint, so
/// that training resumed from it continues exactly as if it had not stopped. Tensors are named
/// <c>{parameter}.{buffer}</c>, for example <c>c1.weight.momentum_buffer</c>, with the parameter's shape. A state
/// saved with a run id and the <see cref="Checkpoint.ContentHash"/> of its checkpoint resumes only that checkpoint: the
/// step count alone would pair it with any checkpoint of the same length, another seed's for example.
/// </summary>
public static class OptimizerCheckpoint
{
    private const string OptimizerKey = "optimizer";
    private const string StepKey = "step";
    private const string CheckpointHashKey = "checkpoint_sha256";

    /// <summary>The optimizer-state file that belongs to <paramref name="checkpoint"/>.</summary>
    public static string PathFor(string checkpoint) => Path.ChangeExtension(checkpoint, ".optimizer.safetensors");

    /// <summary>
    /// Where the state of the previous epoch waits while the next epoch is saved, so that a run killed between saving
    /// the new state and the new checkpoint still has the state of the checkpoint it left.
    /// </summary>
    public static string PreviousPathFor(string checkpoint) => Path.ChangeExtension(checkpoint, ".optimizer.previous.safetensors");

    /// <summary>Saves the state of <paramref name="optimizer"/> (atomically).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="kind">The optimizer's kind, recorded by name and checked on load.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="runId">The training run's id, or null.</param>
    /// <param name="checkpointHash">The <see cref="Checkpoint.ContentHash"/> of the parameters this state goes with, or null.</param>
    public static void Save<TNetwork>(string path, OptimizerKind kind, IOptimizer optimizer, string? runId = null, string? checkpointHash = null) where TNetwork : struct, INetwork
    {
        IReadOnlyList<(string Name, float[] Buffer)> buffers = optimizer.StateBuffers;
        var all = new float[buffers.Count * TNetwork.Description.ParameterCount];
        for (int k = 0; k < buffers.Count; k++) buffers[k].Buffer.CopyTo(all, k * TNetwork.Description.ParameterCount);
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.ArchitectureKey] = TNetwork.Description.Name,
            [OptimizerKey] = Optimizers.Name(kind),
            [StepKey] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
        };
        if (runId is not null) metadata[Checkpoint.RunIdKey] = runId;
        if (checkpointHash is not null) metadata[CheckpointHashKey] = checkpointHash;
        SafeTensors.Save(path, Tensors<TNetwork>(buffers), all, metadata);
    }

    /// <summary>Restores a state saved by <see cref="Save"/> into <paramref name="optimizer"/> (created with the same recipe).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="kind">The optimizer's kind.</param>
    /// <param name="optimizer">The optimizer to fill.</param>
    /// <param name="checkpoint">The checkpoint being resumed: the state must be its own (same run id and content hash); null to skip the check.</param>
    /// <exception cref="CheckpointException">The file is missing or malformed, was saved by another optimizer, or belongs to another checkpoint.</exception>
    public static void Load<TNetwork>(string path, OptimizerKind kind, IOptimizer optimizer, Checkpoint? checkpoint = null) where TNetwork : struct, INetwork
    {
        IReadOnlyList<(string Name, float[] Buffer)> buffers = optimizer.StateBuffers;
        if (!File.Exists(path)) throw new CheckpointException($"{path}: optimizer state not found; it is written beside every checkpoint by 'lenet5 train'");
        Checkpoint state = SafeTensors.Load(path, TNetwork.Description.Name, Tensors<TNetwork>(buffers), buffers.Count * TNetwork.Description.ParameterCount);
        if (!state.Metadata.TryGetValue(OptimizerKey, out string? saved) || !Optimizers.TryParse(saved, out OptimizerKind savedKind) || savedKind != kind)
            throw new CheckpointException($"{path}: optimizer state of '{saved ?? "unknown"}' cannot resume training with '{Optimizers.Name(kind)}'");
        if (!state.Metadata.TryGetValue(StepKey, out string? stepText) || !int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            throw new CheckpointException($"{path}: optimizer state has no valid '{StepKey}' in its metadata");
        if (checkpoint is not null) CheckBelongsTo(path, state.Metadata, checkpoint);
        for (int k = 0; k < buffers.Count; k++)
            state.Parameters.AsSpan(k * TNetwork.Description.ParameterCount, TNetwork.Description.ParameterCount).CopyTo(buffers[k].Buffer);
        optimizer.RestoreStepCount(step);
    }

    /// <summary>
    /// Refuses a state that was not saved with <paramref name="checkpoint"/>. Files from before run ids existed carry
    /// neither id nor hash on either side and are paired by step count alone, as they were.
    /// </summary>
    private static void CheckBelongsTo(string path, IReadOnlyDictionary<string, string> state, Checkpoint checkpoint)
    {
        state.TryGetValue(Checkpoint.RunIdKey, out string? stateRun);
        state.TryGetValue(CheckpointHashKey, out string? stateHash);
        checkpoint.Metadata.TryGetValue(Checkpoint.RunIdKey, out string? checkpointRun);
        if (stateRun is null && stateHash is null && checkpointRun is null) return;
        string hash = Checkpoint.ContentHash(checkpoint.Parameters);
        if (stateRun != checkpointRun)
            throw new CheckpointException($"{path}: optimizer state of run {stateRun ?? "unknown"} cannot resume the checkpoint of run {checkpointRun ?? "unknown"}; it belongs to another training run");
        if (stateHash != hash)
            throw new CheckpointException($"{path}: optimizer state was saved with parameters of SHA-256 {Short(stateHash)}, not with the checkpoint's ({Short(hash)}); it belongs to another epoch or the checkpoint was changed");
    }

    private static string Short(string? hash) => hash is null ? "unknown" : hash[..Math.Min(12, hash.Length)];

    private static List<ParameterTensor> Tensors<TNetwork>(IReadOnlyList<(string Name, float[] Buffer)> buffers) where TNetwork : struct, INetwork
    {
        var tensors = new List<ParameterTensor>();
        for (int k = 0; k < buffers.Count; k++)
        {
            foreach (ParameterTensor tensor in TNetwork.Description.ParameterTensors)
                tensors.Add(new ParameterTensor($"{tensor.Name}.{buffers[k].Name}", k * TNetwork.Description.ParameterCount + tensor.Offset, tensor.Shape));
        }
        return tensors;
    }
}
