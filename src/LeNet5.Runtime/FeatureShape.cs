namespace LeNet5.Runtime;

/// <summary>Shape of one image's feature maps, <c>[channels, height, width]</c>; a dense layer's vector is <c>[units, 1, 1]</c>.</summary>
/// <param name="Channels">Number of maps (or units).</param>
/// <param name="Height">Rows of each map.</param>
/// <param name="Width">Columns of each map.</param>
public readonly record struct FeatureShape(int Channels, int Height, int Width)
{
    /// <summary>Floats in one image's maps.</summary>
    public int Size => Channels * Height * Width;

    /// <inheritdoc />
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
