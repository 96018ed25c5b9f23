using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>
/// One training run per checkpoint: <c>{output}.lock</c> beside the checkpoint, held open with
/// <see cref="FileShare.None"/> for the run's lifetime. It is the open handle that locks, not the file's existence, so
/// the operating system releases it when the run ends in any way, <c>kill -9</c> included, and the file stays behind
/// unlocked. (Deleting it on exit would let a run that opened it just before the delete lock an unlinked file while
/// the next run creates and locks a new one.)
/// </summary>
internal sealed class OutputLock : IDisposable
{
    private readonly FileStream _handle;

    private OutputLock(FileStream handle) => _handle = handle;

    /// <summary>The lock file of <paramref name="checkpoint"/>.</summary>
    public static string PathFor(string checkpoint) => Path.ChangeExtension(checkpoint, ".lock");

    /// <summary>Locks <paramref name="checkpoint"/> for this run; its folder is created if needed.</summary>
    /// <exception cref="LeNet5Exception">Another run holds the lock, or the lock file cannot be created.</exception>
    public static OutputLock Acquire(string checkpoint)
    {
        string path = PathFor(checkpoint);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return new OutputLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Opening an existing file fails here only when another handle shares nothing: a live run's.
            throw new LeNet5Exception($"{checkpoint}: another training run is writing this checkpoint (it holds {path}); wait for it to end or choose another --output");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot create the lock file of the checkpoint: {e.Message}", e);
        }
    }

    /// <summary>Releases the lock; the file stays (see the class comment).</summary>
    public void Dispose() => _handle.Dispose();
}
