namespace LeNet5.Runtime.Checkpoints;

/// <summary>A checkpoint file is missing, malformed, or does not fit the architecture it is loaded into.</summary>
public sealed class CheckpointException : LeNet5Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public CheckpointException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the error that caused it.</summary>
    public CheckpointException(string message, Exception? innerException) : base(message, innerException) { }
}
