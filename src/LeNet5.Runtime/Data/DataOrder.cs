namespace LeNet5.Runtime.Data;

/// <summary>
/// The deterministic order in which training images are visited: each epoch is a Fisher-Yates shuffle of
/// <c>0 .. count - 1</c> drawn from a generator seeded by the seed and the epoch alone, so the order of an epoch
/// does not depend on earlier epochs (a resumed run sees the same order).
/// </summary>
public static class DataOrder
{
    /// <summary>The seed of the shuffle of epoch <paramref name="epoch"/> (0-based).</summary>
    public static int EpochSeed(int seed, int epoch) => unchecked(seed * 1_000_003 + epoch + 1);

    /// <summary>Fills <paramref name="order"/> with the shuffled indices of epoch <paramref name="epoch"/>.</summary>
    public static void Shuffle(Span<int> order, int seed, int epoch)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(EpochSeed(seed, epoch));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
