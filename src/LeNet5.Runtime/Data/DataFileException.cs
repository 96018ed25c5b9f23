namespace LeNet5.Runtime.Data;

/// <summary>A data file or folder is missing, unreadable, or does not match its published checksum.</summary>
public class DataFileException : LeNet5Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public DataFileException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the error that caused it.</summary>
    public DataFileException(string message, Exception? innerException) : base(message, innerException) { }
}
