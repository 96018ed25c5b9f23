using LeNet5.Cli;
using LeNet5.Trainer;

namespace LeNet5.Runtime.Tests;

/// <summary>The repository's <c>lenet5</c> console (its seed and paper networks, as src/LeNet5.Trainer has them) on given writers.</summary>
internal static class Lenet5Console
{
    private static readonly NetworkCatalog s_catalog = new([NetworkConsole.Network<LeNet5Network>(), NetworkConsole.Network<PaperNetwork>()])
    {
        ProgramName = "lenet5",
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        NetworkConsole.Run(args, stdout, stderr, s_catalog, cancellationToken);

    /// <summary>Runs <paramref name="args"/>; returns the exit code and what went to stdout and stderr.</summary>
    public static (int Code, string Out, string Error) Capture(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
