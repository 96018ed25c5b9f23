namespace LeNet5.Runtime.Data;

/// <summary>A data file's SHA-256 differs from the published one.</summary>
public sealed class ChecksumMismatchException : DataFileException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file that was checked.</param>
    /// <param name="expected">The published SHA-256, lowercase hex.</param>
    /// <param name="actual">The SHA-256 of the file, lowercase hex.</param>
    public ChecksumMismatchException(string path, string expected, string actual)
        : base($"{path}: SHA-256 mismatch: expected {expected} but the file has {actual}; the file is corrupt or not the original MNIST file: delete it and provide the original, or for another IDX dataset (Fashion-MNIST, KMNIST) pass --dataset idx")
    {
        Path = path;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file that was checked.</summary>
    public string Path { get; }

    /// <summary>The published SHA-256, lowercase hex.</summary>
    public string Expected { get; }

    /// <summary>The SHA-256 of the file, lowercase hex.</summary>
    public string Actual { get; }
}
