namespace LeNet5.Generator
{
    /// <summary>
    /// What one layer computes per image in the forward pass, in the two counts people compare networks by.
    /// <see cref="MultiplyAdds"/>: products of a weight (or an rbf prototype value) with an input, each added into a
    /// sum, the work of the FMA units; a bias, pooling's additions, padding and activations add none.
    /// <see cref="Connections"/>: LeCun et al. 1998's count, for every output value the inputs it reads plus one for its
    /// bias. A convolution counts every tap of its kernel, zero padding included, as PyTorch's counters do.
    /// Each layer kind's emitter computes its own.
    /// </summary>
    internal readonly struct LayerCounts
    {
        public static readonly LayerCounts None = new LayerCounts(0, 0);

        public LayerCounts(long multiplyAdds, long connections)
        {
            MultiplyAdds = multiplyAdds;
            Connections = connections;
        }

        public long MultiplyAdds { get; }

        public long Connections { get; }
    }
}
