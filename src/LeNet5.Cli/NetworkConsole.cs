using System.CommandLine;
using System.Text.RegularExpressions;
using LeNet5.Cli.Commands;
using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>
/// The console for generated networks: <c>train</c>, <c>evaluate</c>, <c>infer</c>, <c>export onnx</c>,
/// <c>import onnx</c> and <c>import safetensors</c>. A program with its own architecture file is one line:
/// <c>return NetworkConsole.Run&lt;MyNetwork&gt;(args);</c>
/// </summary>
public static class NetworkConsole
{
    /// <summary>Runs the console for one network on the process's standard streams, with Ctrl+C handling.</summary>
    /// <typeparam name="TNetwork">The generated network.</typeparam>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The exit code: 0 success, 1 error, 130 interrupted.</returns>
    public static int Run<TNetwork>(string[] args) where TNetwork : struct, INetwork => Run(args, Network<TNetwork>());

    /// <summary>
    /// Runs the console for several networks (the first is the default; <c>--architecture NAME</c> picks another)
    /// on the process's standard streams. The first Ctrl+C stops training after the current step and keeps the
    /// checkpoints of completed epochs; a second one terminates.
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="networks">The networks, for example <c>NetworkConsole.Network&lt;MyNetwork&gt;()</c>.</param>
    /// <returns>The exit code: 0 success, 1 error, 130 interrupted.</returns>
    public static int Run(string[] args, params ConsoleNetwork[] networks)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return Run(args, Console.Out, Console.Error, new NetworkCatalog(networks), cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The console's entry for <typeparamref name="TNetwork"/>, for <see cref="Run(string[], ConsoleNetwork[])"/>.</summary>
    public static ConsoleNetwork Network<TNetwork>() where TNetwork : struct, INetwork => new ConsoleNetwork<TNetwork>();

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (0 success, 1 error, 130 interrupted).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="stdout">Results and help.</param>
    /// <param name="stderr">Progress and errors.</param>
    /// <param name="catalog">The networks to choose from.</param>
    /// <param name="cancellationToken">Stops training after the current step (exit code 130).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, NetworkCatalog catalog, CancellationToken cancellationToken = default)
    {
        bool interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var output = new Output(stdout, stderr, interactive, cancellationToken, catalog.ProgramName);
        ConsoleNetwork network;
        try
        {
            // The architecture decides the defaults shown in --help, so it is picked before the command line is built.
            network = catalog.Find(ArchitectureName(args));
        }
        catch (LeNet5Exception e)
        {
            return Fail(output, e.Message);
        }
        RootCommand root = Build(output, catalog, network);
        if (args.Length == 0)
        {
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
            return 1;
        }
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // An unknown word explains more than "required command was not provided".
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            stderr.WriteLine($"{output.Program}: error: {Describe(error.Message)} (see '{output.Program} --help')");
            return 1;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (LeNet5Exception e)
        {
            return Fail(output, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"{output.Program}: interrupted; checkpoints of completed epochs are kept");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(output, e.Message);
        }
        catch (Exception e)
        {
            return Fail(output, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Rewrites System.CommandLine's type-conversion message in the user's terms.</summary>
    private static string Describe(string message)
    {
        Match match = Regex.Match(message, "^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'");
        if (!match.Success) return Regex.Replace(message, @"\s*\n\s*", " ");
        string type = match.Groups["type"].Value;
        string expected = type.Contains("Int32", StringComparison.Ordinal) ? "an integer"
            : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : "a value of type " + type;
        return $"'{match.Groups["value"].Value}' is not a valid value for {match.Groups["option"].Value}: expected {expected}";
    }

    private static int Fail(Output output, string message)
    {
        output.Error.WriteLine($"{output.Program}: error: {message}");
        return 1;
    }

    /// <summary>The value of <c>--architecture NAME</c>, <c>-a NAME</c> or <c>--architecture=NAME</c>, or null.</summary>
    private static string? ArchitectureName(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--architecture" or "-a" && i + 1 < args.Length) return args[i + 1];
            foreach (string prefix in (ReadOnlySpan<string>)["--architecture=", "-a=", "-a:", "--architecture:"])
            {
                if (args[i].StartsWith(prefix, StringComparison.Ordinal)) return args[i][prefix.Length..];
            }
        }
        return null;
    }

    private static RootCommand Build(Output output, NetworkCatalog catalog, ConsoleNetwork network)
    {
        var context = new CommandContext(network, catalog, output);
        var architecture = new Option<string?>("--architecture", "-a")
        {
            Description = $"Network to use: {string.Join(", ", catalog.All.Select(a => a.Name.ToLowerInvariant()))} [default: {catalog.Default.Name.ToLowerInvariant()}]",
            HelpName = "NAME",
            Recursive = true,
        };
        return new RootCommand($"Train, evaluate and run {network.Name}, compiled from architecture.json, on MNIST")
        {
            architecture,
            TrainCommand.Create(context),
            EvaluateCommand.Create(context),
            SummaryCommand.Create(context),
            InferCommand.Create(context),
            ExportOnnxCommand.Create(context),
            new Command("import", "Read a model or a checkpoint written in another format")
            {
                ImportOnnxCommand.Create(context),
                ImportSafeTensorsCommand.Create(context),
            },
            BenchmarkCommand.Create(context),
        };
    }
}
