namespace LeNet5.Runtime.Training;

/// <summary>
/// How <see cref="Trainer{TNetwork}"/> executes a <see cref="TrainingRecipe"/>: threads and shards. Kept apart from the
/// recipe because the thread count never changes the result: each batch is cut into the same shards whatever the
/// threads, and their gradients are summed in shard order.
/// </summary>
public sealed record ExecutionSettings
{
    /// <summary>Threads that compute shards (the calling thread included). Does not change the result.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Images per shard: each batch is cut into shards of this many images (at most <see cref="MaxShards"/>
    /// shards, larger ones processed in pieces of this size), whose gradients are summed in shard order. Changing it
    /// may change the last bits of the result (the sums are grouped differently); the thread count never does.
    /// </summary>
    public int ShardSize { get; init; } = 16;

    /// <summary>Largest number of shards (and gradient buffers) per batch.</summary>
    public int MaxShards { get; init; } = 64;

    /// <summary>Throws a <see cref="LeNet5Exception"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Threads < 1) throw new LeNet5Exception($"threads must be at least 1, not {Threads}");
        if (ShardSize < 1) throw new LeNet5Exception($"shard size must be at least 1, not {ShardSize}");
        if (MaxShards < 1) throw new LeNet5Exception($"max shards must be at least 1, not {MaxShards}");
    }
}
