using System.Net.Sockets;

namespace LeNet5.Runtime.Data;

/// <summary>
/// Downloads the MNIST files from public mirrors into a cache folder, verifying each file's SHA-256 and writing
/// it atomically (temporary file in the same folder, then a rename), so an interrupted download leaves nothing
/// that looks complete.
/// </summary>
public sealed class MnistDownloader
{
    /// <summary>The public mirrors tried in order.</summary>
    public static IReadOnlyList<Uri> DefaultMirrors { get; } =
    [
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
    ];

    private readonly IReadOnlyList<Uri> _mirrors;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a downloader.</summary>
    /// <param name="mirrors">Base addresses tried in order (each must end with '/'); the defaults when null.</param>
    /// <param name="timeout">Time allowed per file and mirror; 2 minutes when null.</param>
    public MnistDownloader(IReadOnlyList<Uri>? mirrors = null, TimeSpan? timeout = null)
    {
        _mirrors = mirrors ?? DefaultMirrors;
        _timeout = timeout ?? TimeSpan.FromMinutes(2);
    }

    /// <summary>Reports progress as human-readable lines (which file from where); may be null.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Makes sure <paramref name="folder"/> holds the four files with their published checksums, downloading the
    /// missing or corrupt ones.
    /// </summary>
    /// <exception cref="DataFileException">No mirror could deliver a file (for example the machine is offline).</exception>
    public void EnsureFiles(string folder) => EnsureFiles(folder, MnistFiles.All);

    /// <summary>
    /// Makes sure <paramref name="folder"/> holds <paramref name="files"/> with their published checksums, downloading
    /// the missing or corrupt ones (for example only <see cref="MnistFiles.Test"/> to evaluate).
    /// </summary>
    /// <exception cref="DataFileException">No mirror could deliver a file (for example the machine is offline).</exception>
    public void EnsureFiles(string folder, IReadOnlyList<MnistFile> files)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException($"{folder}: cannot create the MNIST cache folder: {e.Message}; pass --data DIR or set LENET5_DATA to a folder holding the MNIST files", e);
        }

        using var client = new HttpClient { Timeout = _timeout };
        foreach (MnistFile file in files)
        {
            string target = Path.Combine(folder, file.FileName);
            if (File.Exists(target))
            {
                if (string.Equals(MnistFiles.ComputeSha256(target), file.Sha256, StringComparison.OrdinalIgnoreCase)) continue;
                Log?.Invoke($"{target}: checksum mismatch, downloading it again");
            }
            Download(client, file, target);
        }
    }

    private void Download(HttpClient client, MnistFile file, string target)
    {
        var failures = new List<string>();
        bool allNetwork = true;
        foreach (Uri mirror in _mirrors)
        {
            var uri = new Uri(mirror, file.FileName);
            string temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                Log?.Invoke($"downloading {uri}");
                using (var request = new HttpRequestMessage(HttpMethod.Get, uri))
                using (HttpResponseMessage response = client.Send(request, HttpCompletionOption.ResponseHeadersRead))
                {
                    response.EnsureSuccessStatusCode();
                    using Stream body = response.Content.ReadAsStream();
                    using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                    body.CopyTo(output);
                    output.Flush(flushToDisk: true);
                }
                string actual = MnistFiles.ComputeSha256(temp);
                if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    allNetwork = false;
                    failures.Add($"{uri}: SHA-256 {actual} instead of {file.Sha256}");
                    continue;
                }
                File.Move(temp, target, overwrite: true);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or SocketException)
            {
                if (e is HttpRequestException { StatusCode: not null }) allNetwork = false;
                failures.Add($"{uri}: {e.Message}");
            }
            finally
            {
                TryDelete(temp);
            }
        }

        string reason = allNetwork ? "the machine looks offline or the mirrors are unreachable" : "no mirror delivered a valid file";
        throw new DataFileException(
            $"{target}: cannot download {file.FileName}: {reason} ({string.Join("; ", failures)}); " +
            "pass --data DIR or set LENET5_DATA to a folder holding the four MNIST files");
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file never looks like a complete download.
        }
    }
}
