using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>A network cannot be written as ONNX, for example because it has a layer kind the exporter does not know.</summary>
public sealed class OnnxExportException : LeNet5Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public OnnxExportException(string message) : base(message) { }
}
