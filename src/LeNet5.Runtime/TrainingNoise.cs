namespace LeNet5.Runtime;

/// <summary>
/// The randomness of one training step, passed to <see cref="INetwork.ForwardTrainWithNoise"/>:
/// a dropout layer keeps or drops unit u of image i by a counter-based hash (SplitMix64) of
/// (<see cref="Seed"/>, <see cref="Step"/>, <see cref="FirstImage"/> + i, the layer, u). The mask depends on the
/// image's place in the batch, never on how the batch was cut into shards, so training is bit-identical for any
/// thread count. The default value is inactive: every unit is kept (the pass then equals inference).
/// </summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Step">The optimizer step (0-based, counted over the whole run).</param>
/// <param name="FirstImage">The index in the step's batch of the first image passed.</param>
public readonly record struct TrainingNoise(int Seed, long Step, int FirstImage)
{
    /// <summary>False for <c>default(TrainingNoise)</c>: no unit is dropped.</summary>
    public bool Active { get; } = true;

    /// <summary>The hash key of image <paramref name="image"/> (relative to <see cref="FirstImage"/>) in layer <paramref name="layer"/>.</summary>
    public ulong Key(int layer, int image)
        => Mix(Mix(Mix(Mix((ulong)(uint)Seed) ^ (ulong)Step) ^ (ulong)(uint)(FirstImage + image)) ^ (ulong)(uint)layer);

    /// <summary>The unit's 64 random bits under a key from <see cref="Key"/>.</summary>
    public static ulong Bits(ulong key, int unit) => Mix(key + (ulong)(uint)unit);

    /// <summary>SplitMix64's finalizer: a bijection of 64-bit values whose outputs look independent.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
