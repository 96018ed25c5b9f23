namespace LeNet5.Runtime;

/// <summary>One named parameter tensor inside the flat parameter buffer.</summary>
/// <param name="Name">PyTorch <c>state_dict</c> name, for example <c>c1.weight</c>.</param>
/// <param name="Offset">Index of its first float in the parameter buffer.</param>
/// <param name="Shape">Its shape, in PyTorch's layout.</param>
public sealed record ParameterTensor(string Name, int Offset, int[] Shape)
{
    /// <summary>Number of floats in the tensor.</summary>
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int dimension in Shape) length *= dimension;
            return length;
        }
    }

    /// <summary>The shape written as <c>[6, 1, 5, 5]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
