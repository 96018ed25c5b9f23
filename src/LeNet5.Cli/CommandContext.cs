using System.CommandLine;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;

namespace LeNet5.Cli;

/// <summary>What every command is built with: the chosen network, where to write, and the options commands share.</summary>
internal sealed class CommandContext
{
    public CommandContext(ConsoleNetwork network, NetworkCatalog catalog, Output output)
    {
        Network = network;
        Catalog = catalog;
        Output = output;
        Data = new Option<string?>("--data")
        {
            Description = $"Folder holding the MNIST files (default: ${MnistDataLocator.EnvironmentVariable}, else download into {MnistDataLocator.CacheFolder})",
            HelpName = "DIR",
        };
        Dataset = new Option<string?>("--dataset")
        {
            Description = "What --data holds: mnist (the original files, checksums verified) or idx (any IDX dataset laid out like MNIST, such as Fashion-MNIST) [default: mnist]",
            HelpName = "mnist|idx",
        };
        Dataset.AcceptOnlyFromAmong([.. DataSource.Names]);
        Threads = new Option<int>("--threads")
        {
            Description = "Threads to use (the result does not depend on it)",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            HelpName = "N",
        };
        Checkpoint = new Option<string>("--checkpoint", "-c")
        {
            Description = "Checkpoint to load",
            DefaultValueFactory = _ => network.DefaultCheckpoint,
            HelpName = "PATH",
        };
    }

    /// <summary>The network the command line chose.</summary>
    public ConsoleNetwork Network { get; }

    /// <summary>Every network the console offers.</summary>
    public NetworkCatalog Catalog { get; }

    /// <summary>Where the command writes.</summary>
    public Output Output { get; }

    /// <summary><c>--data DIR</c>.</summary>
    public Option<string?> Data { get; }

    /// <summary><c>--dataset mnist|idx</c>.</summary>
    public Option<string?> Dataset { get; }

    /// <summary><c>--threads N</c>.</summary>
    public Option<int> Threads { get; }

    /// <summary><c>--checkpoint PATH</c>, the checkpoint a command loads.</summary>
    public Option<string> Checkpoint { get; }
}
