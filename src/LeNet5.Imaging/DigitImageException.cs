using System.Text;
using LeNet5.Runtime;

namespace LeNet5.Imaging;

/// <summary>
/// An image that could not be prepared. The message is one line, names the image and says what is wrong, and can be
/// shown to the user as is.
/// </summary>
public sealed class DigitImageException : LeNet5Exception
{
    /// <summary>Creates the exception; <paramref name="problem"/> is sanitized to one printable line.</summary>
    /// <param name="imageName">The file path, or a description such as "pixel buffer".</param>
    /// <param name="error">What kind of problem it is.</param>
    /// <param name="problem">What is wrong, in the user's terms.</param>
    /// <param name="innerException">The error that caused it, if any.</param>
    public DigitImageException(string imageName, DigitImageError error, string problem, Exception? innerException = null)
        : base($"{OneLine(imageName)}: {OneLine(problem)}", innerException)
    {
        ImageName = imageName;
        Error = error;
    }

    /// <summary>The file path, or a description such as "pixel buffer".</summary>
    public string ImageName { get; }

    /// <summary>What kind of problem it is.</summary>
    public DigitImageError Error { get; }

    /// <summary>Control characters (NUL bytes from a decoder, line breaks) become spaces, runs of spaces one space.</summary>
    internal static string OneLine(string text)
    {
        var line = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            char printable = char.IsControl(c) || char.IsSurrogate(c) ? ' ' : c;
            if (printable == ' ' && (line.Length == 0 || line[^1] == ' ')) continue;
            line.Append(printable);
        }
        return line.ToString().TrimEnd();
    }
}
