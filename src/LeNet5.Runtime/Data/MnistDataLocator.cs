namespace LeNet5.Runtime.Data;

/// <summary>
/// Finds the MNIST data folder: the folder given explicitly (<c>--data</c>), else the <c>LENET5_DATA</c>
/// environment variable, else the cache folder (<c>$XDG_CACHE_HOME/lenet5/mnist</c> or <c>~/.cache/lenet5/mnist</c>),
/// downloading into it what is missing. The files of the folder found are checksum-verified when loaded.
/// </summary>
public static class MnistDataLocator
{
    /// <summary>The environment variable naming the data folder.</summary>
    public const string EnvironmentVariable = "LENET5_DATA";

    /// <summary>The cache folder used when no folder is given.</summary>
    public static string CacheFolder
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrWhiteSpace(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "lenet5", "mnist");
        }
    }

    /// <summary>Resolves the data folder of all four files.</summary>
    /// <param name="explicitFolder">The folder given on the command line, or null.</param>
    /// <param name="downloader">Used when neither a folder nor the variable is given; the default mirrors when null.</param>
    /// <returns>A folder that holds the four files.</returns>
    /// <exception cref="DataFileException">The folder given does not exist or lacks a file, or the download failed.</exception>
    public static string Resolve(string? explicitFolder, MnistDownloader? downloader = null) => Resolve(explicitFolder, MnistFiles.All, downloader);

    /// <summary>Resolves the data folder of <paramref name="files"/>; only those are checked for, or downloaded.</summary>
    /// <param name="explicitFolder">The folder given on the command line, or null.</param>
    /// <param name="files">The files needed, for example <see cref="MnistFiles.Test"/> to evaluate.</param>
    /// <param name="downloader">Used when neither a folder nor the variable is given; the default mirrors when null.</param>
    /// <returns>A folder that holds <paramref name="files"/>.</returns>
    /// <exception cref="DataFileException">The folder given does not exist or lacks a file, or the download failed.</exception>
    public static string Resolve(string? explicitFolder, IReadOnlyList<MnistFile> files, MnistDownloader? downloader = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder)) return CheckFolder(explicitFolder, "--data", files);
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return CheckFolder(fromEnvironment, EnvironmentVariable, files);

        string cache = CacheFolder;
        (downloader ?? new MnistDownloader()).EnsureFiles(cache, files);
        return cache;
    }

    private static string CheckFolder(string folder, string source, IReadOnlyList<MnistFile> files)
    {
        if (!Directory.Exists(folder))
        {
            throw new DataFileException(
                $"{folder}: data folder (from {source}) does not exist; it must hold the MNIST files ({string.Join(", ", files.Select(f => f.FileName))})");
        }
        foreach (MnistFile file in files) MnistFiles.Locate(folder, file, verify: false);
        return folder;
    }
}
