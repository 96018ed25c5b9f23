namespace LeNet5.Runtime;

/// <summary>
/// How <see cref="Trainer{TNetwork}"/> trains: a recipe (an architecture's <c>training</c> section, changed with
/// <c>with { }</c>) plus execution settings. There is no recipe-less constructor, so options can never silently differ
/// from the architecture's: start from <c>new TrainingOptions(MyNetwork.Training)</c>.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The recipe <paramref name="recipe"/>, with the default execution settings.</summary>
    /// <param name="recipe">For example <c>MyNetwork.Training</c>, the architecture file's <c>training</c> section.</param>
    public TrainingOptions(TrainingDefaults recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        BatchSize = recipe.BatchSize;
        Optimizer = recipe.Optimizer;
        LearningRate = recipe.LearningRate;
        LearningRateDecay = recipe.LearningRateDecay;
        Momentum = recipe.Momentum;
        WeightDecay = recipe.WeightDecay;
        Seed = recipe.Seed;
        LearningRateSchedule = recipe.LearningRateSchedule ?? [];
        Distort = recipe.Distort;
        Damping = recipe.Damping;
        CurvatureSamples = recipe.CurvatureSamples;
    }

    /// <summary>Images per optimizer step.</summary>
    public int BatchSize { get; init; }

    /// <summary>Optimizer name: <c>sgd</c> or <c>adam</c>.</summary>
    public string Optimizer { get; init; }

    /// <summary>Step size.</summary>
    public float LearningRate { get; init; }

    /// <summary>Factor applied to the learning rate after every epoch (1 keeps it constant).</summary>
    public float LearningRateDecay { get; init; }

    /// <summary>One learning rate per epoch, the last holding for later epochs; empty to use <see cref="LearningRate"/> and <see cref="LearningRateDecay"/>.</summary>
    public IReadOnlyList<float> LearningRateSchedule { get; init; }

    /// <summary>Distort every training image with a random affine transformation (<see cref="AffineDistortion"/>).</summary>
    public bool Distort { get; init; }

    /// <summary>The mu of <c>sdlm</c>.</summary>
    public float Damping { get; init; }

    /// <summary>Images on which <c>sdlm</c> estimates the Hessian diagonal before each epoch.</summary>
    public int CurvatureSamples { get; init; }

    /// <summary>SGD momentum (ignored by Adam).</summary>
    public float Momentum { get; init; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Seed of the initialisation and the per-epoch shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>Threads that compute shards (the calling thread included). Does not change the result.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Images per shard: each batch is cut into shards of this many images (at most <see cref="MaxShards"/>
    /// shards, larger ones processed in pieces of this size), whose gradients are summed in shard order. Part of
    /// the recipe: changing it may change the last bits of the result; the thread count never does.
    /// </summary>
    public int ShardSize { get; init; } = 16;

    /// <summary>Largest number of shards (and gradient buffers) per batch.</summary>
    public int MaxShards { get; init; } = 64;

    /// <summary>Throws a <see cref="LeNet5Exception"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new LeNet5Exception($"batch size must be at least 1, not {BatchSize}");
        if (!Optimizers.Names.Contains(Optimizer.ToLowerInvariant()))
            throw new LeNet5Exception($"unknown optimizer '{Optimizer}'; use one of: {string.Join(", ", Optimizers.Names)}");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new LeNet5Exception($"learning rate must be a positive number, not {LearningRate}");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1)) throw new LeNet5Exception($"learning rate decay must be in (0, 1], not {LearningRateDecay}");
        if (!(Momentum >= 0) || !float.IsFinite(Momentum)) throw new LeNet5Exception($"momentum must be 0 or more, not {Momentum}");
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay)) throw new LeNet5Exception($"weight decay must be 0 or more, not {WeightDecay}");
        foreach (float rate in LearningRateSchedule)
        {
            if (!(rate > 0) || !float.IsFinite(rate)) throw new LeNet5Exception($"every scheduled learning rate must be a positive number, not {rate}");
        }
        if (!(Damping > 0) || !float.IsFinite(Damping)) throw new LeNet5Exception($"damping must be a positive number, not {Damping}");
        if (CurvatureSamples < 1) throw new LeNet5Exception($"curvature samples must be at least 1, not {CurvatureSamples}");
        if (Threads < 1) throw new LeNet5Exception($"threads must be at least 1, not {Threads}");
        if (ShardSize < 1) throw new LeNet5Exception($"shard size must be at least 1, not {ShardSize}");
        if (MaxShards < 1) throw new LeNet5Exception($"max shards must be at least 1, not {MaxShards}");
    }
}
