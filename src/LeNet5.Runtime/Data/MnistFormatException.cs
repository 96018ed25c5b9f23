namespace LeNet5.Runtime.Data;

/// <summary>An MNIST (IDX) file exists but its content is not a valid IDX file of the expected kind.</summary>
public sealed class MnistFormatException : DataFileException
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public MnistFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the error that caused it.</summary>
    public MnistFormatException(string message, Exception? innerException) : base(message, innerException) { }
}
