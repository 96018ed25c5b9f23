namespace LeNet5.Generator
{
    /// <summary>
    /// A <c>LeNet5Weights</c> item as the build targets pass it: the header file they wrote, and its metadata (the weights
    /// file, the network it is declared for, the manifest resource holding the weights).
    /// </summary>
    internal sealed record WeightsDeclaration(string SourcePath, string Network, string ResourceName, string? HeaderText);

    /// <summary>One tensor entry of a safetensors header.</summary>
    internal sealed record WeightsTensor(string Name, string DType, EquatableArray<long> Shape, long Begin, long End)
    {
        public string ShapeText => "[" + string.Join(", ", Shape) + "]";
    }

    /// <summary>
    /// The header of an embedded weights file: its tensors, the architecture its metadata names ("" if none) and the bytes
    /// of tensor data after the header; or the <see cref="Error"/> that made it unreadable.
    /// </summary>
    internal sealed record WeightsSpec(
        string SourcePath,
        string Network,
        string ResourceName,
        string Architecture,
        EquatableArray<WeightsTensor> Tensors,
        long DataLength,
        string? Error);

    /// <summary>Weights matched to the network that embeds them.</summary>
    internal sealed record AssignedWeights(string Network, WeightsSpec Weights);

    /// <summary>Every network's embedded weights, and the diagnostics of weights that match no network.</summary>
    internal sealed record WeightsAssignment(EquatableArray<AssignedWeights> Assigned, EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public WeightsSpec? For(string network)
        {
            foreach (AssignedWeights assigned in Assigned)
            {
                if (assigned.Network == network)
                {
                    return assigned.Weights;
                }
            }

            return null;
        }
    }
}
