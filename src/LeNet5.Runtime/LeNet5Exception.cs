namespace LeNet5.Runtime;

/// <summary>
/// Base class of every error the runtime reports about user input: data files, checkpoints, options.
/// Its message is written for the user (it names the file and what is wrong) and is meant to be shown as is.
/// </summary>
public class LeNet5Exception : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public LeNet5Exception(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the error that caused it.</summary>
    public LeNet5Exception(string message, Exception? innerException) : base(message, innerException) { }
}
