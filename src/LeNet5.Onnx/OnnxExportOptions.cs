namespace LeNet5.Onnx;

/// <summary>What <see cref="OnnxExporter"/> writes besides the logits.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Adds a second output, <see cref="OnnxExporter.ProbabilitiesName"/>: the softmax of the logits over the classes.</summary>
    public bool Probabilities { get; init; }

    /// <summary>The model's <c>model_version</c>, the version of this graph and its weights (0 or more).</summary>
    public long ModelVersion { get; init; } = 1;
}
