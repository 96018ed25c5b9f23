using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// An ONNX model cannot be imported: the file is not ONNX, or its graph has an operator, an attribute or a shape the
/// generator's layers cannot express. The message names the file and the node.
/// </summary>
public sealed class OnnxImportException : LeNet5Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public OnnxImportException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the error that caused it.</summary>
    public OnnxImportException(string message, Exception? innerException) : base(message, innerException) { }
}
