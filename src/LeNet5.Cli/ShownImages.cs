using LeNet5.Imaging;
using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>
/// The folder of <c>infer --show</c>: for each image file, the prepared image the network saw, as
/// <c>NAME.png</c> (<c>NAME-2.png</c> and so on when two inputs share a name; never over an input).
/// </summary>
internal sealed class ShownImages
{
    private readonly string _folder;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    public ShownImages(string folder)
    {
        if (File.Exists(folder)) throw new LeNet5Exception($"--show {folder} is a file; give a folder");
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"--show {folder}: cannot create the folder: {e.Message}", e);
        }
        _folder = folder;
    }

    /// <summary>Writes what the network saw for <paramref name="input"/>.</summary>
    /// <exception cref="LeNet5Exception">The PNG cannot be written.</exception>
    public void Save(string input, DigitImage image)
    {
        string stem = Path.GetFileNameWithoutExtension(input), path = Path.Combine(_folder, stem + ".png");
        for (int n = 2; _written.Contains(path) || Path.GetFullPath(path) == Path.GetFullPath(input); n++) path = Path.Combine(_folder, $"{stem}-{n}.png");
        try
        {
            image.SavePng(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot write the image the network saw: {e.Message}", e);
        }
        _written.Add(path);
    }
}
