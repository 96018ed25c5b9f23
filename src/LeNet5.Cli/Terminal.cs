using Spectre.Console;

namespace LeNet5.Cli;

/// <summary>
/// The Spectre.Console console of the process's stdout or stderr when that stream is a terminal that takes ANSI
/// sequences; null for a redirected stream and for any other writer (tests), which get plain lines. Colour follows
/// what the terminal supports, and <c>NO_COLOR</c> (https://no-color.org) turns it off.
/// </summary>
internal static class Terminal
{
    public static IAnsiConsole? For(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) ? !Console.IsOutputRedirected
            : ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal) return null;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            ColorSystem = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        // TERM=dumb and the like: no cursor movement, so no live display either.
        return console.Profile.Capabilities is { Ansi: true, Interactive: true } ? console : null;
    }
}
