using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using LeNet5.Imaging;
using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>
/// The console for generated networks: <c>train</c>, <c>evaluate</c>, <c>infer</c> and <c>export onnx</c>. A program
/// with its own architecture file is one line: <c>return NetworkConsole.Run&lt;MyNetwork&gt;(args);</c>
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
    public static int Run(string[] args, params IArchitectureCommands[] networks)
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

    /// <summary>The console commands of <typeparamref name="TNetwork"/>, for <see cref="Run(string[], IArchitectureCommands[])"/>.</summary>
    public static IArchitectureCommands Network<TNetwork>() where TNetwork : struct, INetwork => new ArchitectureCommands<TNetwork>();

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
        IArchitectureCommands architecture;
        try
        {
            // The architecture decides the defaults shown in --help, so it is picked before the command line is built.
            architecture = catalog.Find(ArchitectureName(args));
        }
        catch (LeNet5Exception e)
        {
            return Fail(output, e.Message);
        }
        RootCommand root = Build(output, catalog, architecture);
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
            if (interactive) stderr.WriteLine();
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
        if (output.Interactive) output.Error.WriteLine();
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

    private static RootCommand Build(Output output, NetworkCatalog catalog, IArchitectureCommands architecture)
    {
        TrainingDefaults d = architecture.Training;
        CultureInfo c = CultureInfo.InvariantCulture;
        string defaultCheckpoint = Path.Combine("checkpoints", architecture.Name.ToLowerInvariant() + ".safetensors");

        var data = new Option<string?>("--data")
        {
            Description = $"Folder holding the four MNIST files (default: ${MnistDataLocator.EnvironmentVariable}, else download into {MnistDataLocator.CacheFolder})",
            HelpName = "DIR",
        };
        var dataset = new Option<string?>("--dataset")
        {
            Description = "What --data holds: mnist (the original files, checksums verified) or idx (any IDX dataset laid out like MNIST, such as Fashion-MNIST) [default: mnist]",
            HelpName = "mnist|idx",
        };
        dataset.AcceptOnlyFromAmong([.. DataSource.Names]);
        var architectureOption = new Option<string?>("--architecture", "-a")
        {
            Description = $"Network to use: {string.Join(", ", catalog.All.Select(a => a.Name.ToLowerInvariant()))} [default: {catalog.Default.Name.ToLowerInvariant()}]",
            HelpName = "NAME",
            Recursive = true,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads to use (the result does not depend on it)",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };

        // train
        var epochs = new Option<int?>("--epochs") { Description = $"Passes over the training set [default: {d.Epochs}]" };
        var batchSize = new Option<int?>("--batch-size") { Description = $"Images per optimizer step [default: {d.BatchSize}]" };
        var optimizer = new Option<string?>("--optimizer") { Description = $"sgd, adam or sdlm [default: {d.Optimizer}]" };
        optimizer.AcceptOnlyFromAmong([.. Optimizers.Names]);
        var learningRate = new Option<float?>("--learning-rate", "--lr") { Description = string.Create(c, $"Step size [default: {d.LearningRate:G}]") };
        var learningRateDecay = new Option<float?>("--lr-decay") { Description = string.Create(c, $"Learning-rate factor applied after every epoch [default: {d.LearningRateDecay:G}]") };
        var momentum = new Option<float?>("--momentum") { Description = string.Create(c, $"SGD momentum [default: {d.Momentum:G}]") };
        var weightDecay = new Option<float?>("--weight-decay") { Description = string.Create(c, $"L2 penalty [default: {d.WeightDecay:G}]") };
        var seed = new Option<int?>("--seed") { Description = $"Seed of initialisation and shuffling [default: {d.Seed}]" };
        var checkpointOut = new Option<string>("--output", "-o")
        {
            Description = "Checkpoint to write after every epoch (safetensors); the history .csv and plot .png go beside it",
            DefaultValueFactory = _ => defaultCheckpoint,
            HelpName = "PATH",
        };
        var distort = new Option<bool?>("--distort")
        {
            Description = $"Random affine distortions of the training images: true or false [default: {(d.Distort ? "true" : "false")}]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var damping = new Option<float?>("--damping") { Description = string.Create(c, $"The mu of sdlm: each step is lr / (mu + curvature) [default: {d.Damping:G}]") };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only (quick runs)", HelpName = "N" };
        var validation = new Option<int?>("--validation")
        {
            Description = "Hold out the last N training images and evaluate on them instead of the test set (to choose a recipe without looking at the test set)",
            HelpName = "N",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run saved at --output up to --epochs (same recipe; the result equals an uninterrupted run)",
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Start a new run even though --output holds the checkpoint of another one, and replace it",
        };
        var train = new Command("train", $"Train {architecture.Name} on MNIST, evaluating on the test set after every epoch")
        {
            data, dataset, epochs, batchSize, optimizer, learningRate, learningRateDecay, momentum, weightDecay, seed, threads, checkpointOut, limit, validation, distort, damping, resume, overwrite,
        };
        train.SetAction(parse => architecture.Train(new TrainSettings
        {
            Data = parse.GetValue(data),
            Dataset = parse.GetValue(dataset),
            Epochs = parse.GetValue(epochs),
            BatchSize = parse.GetValue(batchSize),
            Optimizer = parse.GetValue(optimizer),
            LearningRate = parse.GetValue(learningRate),
            LearningRateDecay = parse.GetValue(learningRateDecay),
            Momentum = parse.GetValue(momentum),
            WeightDecay = parse.GetValue(weightDecay),
            Seed = parse.GetValue(seed),
            Threads = parse.GetValue(threads),
            Output = parse.GetValue(checkpointOut),
            Limit = parse.GetValue(limit),
            Validation = parse.GetValue(validation),
            Distort = parse.GetResult(distort) is null ? null : parse.GetValue(distort) ?? true,
            Damping = parse.GetValue(damping),
            Resume = parse.GetValue(resume),
            Overwrite = parse.GetValue(overwrite),
        }, output));

        // evaluate
        var checkpoint = new Option<string>("--checkpoint", "-c")
        {
            Description = "Checkpoint to load",
            DefaultValueFactory = _ => defaultCheckpoint,
            HelpName = "PATH",
        };
        var evaluate = new Command("evaluate", "Accuracy, loss and confusion matrix of a checkpoint on the MNIST test set") { checkpoint, data, dataset, threads };
        evaluate.SetAction(parse => architecture.Evaluate(new EvaluateSettings
        {
            Checkpoint = parse.GetValue(checkpoint)!,
            Data = parse.GetValue(data),
            Dataset = parse.GetValue(dataset),
            Threads = parse.GetValue(threads),
        }, output));

        // infer
        var files = new Argument<string[]>("files")
        {
            Description = "Images to classify (PNG, JPEG, BMP or GIF; any size, grey or colour; either polarity), prepared " +
                          "as MNIST's digits were made: cropped to the ink, fitted to 20x20 keeping the aspect ratio, centred by the centre of mass in 28x28",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var index = new Option<int[]>("--index", "-i")
        {
            Description = "MNIST test-set image to classify (repeatable); prints the true label too",
            HelpName = "N",
            AllowMultipleArgumentsPerToken = true,
        };
        var polarity = new Option<string>("--polarity")
        {
            Description = "How the digits are drawn: auto (found from each image), light-on-dark (MNIST, chalk) or dark-on-light (pen on paper)",
            DefaultValueFactory = _ => "auto",
        };
        polarity.AcceptOnlyFromAmong(PolarityNames.Keys.ToArray());
        var invert = new Option<bool>("--invert") { Description = "Same as --polarity dark-on-light" };
        var raw = new Option<bool>("--raw") { Description = "Scale the whole image to the input without cropping or centring (for images already in MNIST form)" };
        var show = new Option<string?>("--show") { Description = "Write the image the network saw for each input into this folder, as PNG", HelpName = "DIR" };
        var infer = new Command("infer", "Classify image files and/or MNIST test images with a checkpoint") { files, checkpoint, index, polarity, invert, raw, show, data, dataset };
        infer.SetAction(parse =>
        {
            string polarityName = parse.GetValue(polarity)!;
            if (parse.GetValue(invert))
            {
                if (parse.GetResult(polarity) is { Implicit: false } && polarityName != "dark-on-light")
                    throw new LeNet5Exception($"--invert means --polarity dark-on-light; it contradicts --polarity {polarityName}");
                polarityName = "dark-on-light";
            }
            return architecture.Infer(new InferSettings
            {
                Checkpoint = parse.GetValue(checkpoint)!,
                Files = parse.GetValue(files) ?? [],
                Indices = parse.GetValue(index) ?? [],
                Polarity = PolarityNames[polarityName],
                Raw = parse.GetValue(raw),
                Show = parse.GetValue(show),
                Data = parse.GetValue(data),
                Dataset = parse.GetValue(dataset),
            }, output);
        });

        return new RootCommand($"Train, evaluate and run {architecture.Name}, compiled from architecture.json, on MNIST")
        {
            architectureOption, train, evaluate, infer, ExportCommand(architecture, checkpoint, output),
        };
    }

    private static readonly Dictionary<string, InkPolarity> PolarityNames = new()
    {
        ["auto"] = InkPolarity.Auto,
        ["light-on-dark"] = InkPolarity.LightOnDark,
        ["dark-on-light"] = InkPolarity.DarkOnLight,
    };

    private static Command ExportCommand(IArchitectureCommands architecture, Option<string> checkpoint, Output output)
    {
        var onnxOutput = new Option<string>("--output", "-o")
        {
            Description = "ONNX file to write; a folder receives it under the default name",
            DefaultValueFactory = _ => architecture.Name.ToLowerInvariant() + ".onnx",
            HelpName = "PATH",
        };
        var onnx = new Command("onnx", "Write a checkpoint as an ONNX model (input [batch, C, H, W] normalised like MNIST training, output logits)") { checkpoint, onnxOutput };
        onnx.SetAction(parse => architecture.ExportOnnx(new ExportSettings
        {
            Checkpoint = parse.GetValue(checkpoint)!,
            Output = parse.GetValue(onnxOutput)!,
        }, output));
        return new Command("export", "Write a checkpoint in another format") { onnx };
    }
}
