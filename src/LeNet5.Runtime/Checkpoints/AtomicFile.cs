using System.Diagnostics;

namespace LeNet5.Runtime.Checkpoints;

/// <summary>
/// A file written so that readers see its old content or the new one, never a part: the content goes to a temporary
/// file <c>.{name}.{pid}.{guid}.tmp</c> in the same folder, is flushed to disk, and <see cref="Commit"/> renames it over
/// the destination. Disposing without committing (an error, a full disk) deletes the temporary file and leaves the
/// destination as it was. Temporary files of <c>name</c> left by processes that no longer run (a killed run) are
/// deleted when the next one is created.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _destination;
    private readonly string _temporary;
    private bool _committed;

    private AtomicFile(string destination, string temporary, FileStream stream)
    {
        _destination = destination;
        _temporary = temporary;
        Stream = stream;
    }

    /// <summary>Where the content goes until <see cref="Commit"/>.</summary>
    public FileStream Stream { get; }

    /// <summary>Starts writing <paramref name="path"/>; its folder is created if needed.</summary>
    /// <exception cref="IOException">The folder or the temporary file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static AtomicFile Create(string path)
    {
        string destination = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(destination)!;
        string name = Path.GetFileName(destination);
        Directory.CreateDirectory(folder);
        DeleteStaleTemporaries(folder, name);
        string temporary = Path.Combine(folder, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        return new AtomicFile(destination, temporary, new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        using AtomicFile file = Create(path);
        file.Stream.Write(content);
        file.Commit();
    }

    /// <summary>Flushes the content to disk and moves it over the destination.</summary>
    public void Commit()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(_temporary, _destination, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed) TryDelete(_temporary);
    }

    /// <summary>Deletes the temporary files of <paramref name="name"/> whose writing process is gone; a live writer's stay.</summary>
    private static void DeleteStaleTemporaries(string folder, string name)
    {
        string prefix = "." + name + ".";
        foreach (string file in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
        {
            // The rest is "{pid}.{guid}.tmp"; anything else is not ours.
            string[] parts = Path.GetFileName(file)[prefix.Length..].Split('.');
            if (parts is not [string pid, { Length: 32 } guid, "tmp"] || !int.TryParse(pid, out int processId) || !Guid.TryParseExact(guid, "N", out _)) continue;
            if (!IsRunning(processId)) TryDelete(file);
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using Process process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the destination is untouched either way, and the next writer retries.
        }
    }
}
