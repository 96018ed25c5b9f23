using System.CommandLine;
using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Cli.Commands;

/// <summary>
/// <c>import safetensors</c>: reads a <c>state_dict</c> saved by another program (PyTorch's <c>save_file</c>), renaming
/// its tensors and skipping extra ones as asked, and writes it as a checkpoint of the network (F32, the network's
/// metadata), which every other command and the embedded-weights build then take as it is.
/// </summary>
internal static class ImportSafeTensorsCommand
{
    public static Command Create(CommandContext context)
    {
        var source = new Argument<string>("file") { Description = "The safetensors file to import (a PyTorch state_dict: [out, in, kh, kw] and [out, in] layouts)" };
        var map = new Option<string[]>("--map")
        {
            Description = "Rename tensors: the first name, alone or before a dot, becomes the second (empty removes the prefix); repeat it, applied in order. Example: --map out=output",
            HelpName = "NAME=NAME",
        };
        var ignoreExtra = new Option<bool>("--ignore-extra") { Description = "Skip tensors the network does not have (buffers, optimizer state, other networks) instead of refusing the file" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Checkpoint to write",
            DefaultValueFactory = _ => context.Network.DefaultCheckpoint,
            HelpName = "PATH",
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the checkpoint at --output if there is one" };
        var command = new Command("safetensors", "Write a safetensors state_dict from another program as this network's checkpoint")
        {
            source, map, ignoreExtra, output, overwrite,
        };
        command.SetAction(parse => context.Network.Accept(new Run(new ImportSettings
        {
            Source = parse.GetValue(source)!,
            Renames = parse.GetValue(map) ?? [],
            IgnoreExtra = parse.GetValue(ignoreExtra),
            Output = parse.GetValue(output)!,
            Overwrite = parse.GetValue(overwrite),
        }, context.Output)));
        return command;
    }

    private sealed class Run(ImportSettings settings, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Import<TNetwork>(settings, output);
    }

    private static int Import<TNetwork>(ImportSettings settings, Output output) where TNetwork : struct, INetwork
    {
        var renames = new List<TensorRename>();
        foreach (string text in settings.Renames)
        {
            if (!TensorRename.TryParse(text, out TensorRename rename))
                throw new LeNet5Exception($"--map '{text}' is not NAME=NAME; for example --map out=output, or --map module= to remove a prefix");
            renames.Add(rename);
        }
        if (string.IsNullOrWhiteSpace(settings.Output)) throw new LeNet5Exception("--output is empty; give the checkpoint's path, for example checkpoints/" + TNetwork.Description.Name.ToLowerInvariant() + ".safetensors");
        if (Directory.Exists(settings.Output)) throw new LeNet5Exception($"--output {settings.Output} is a folder; give the checkpoint's file name");
        // Not under a training run that is writing the same checkpoint.
        using OutputLock outputLock = OutputLock.Acquire(settings.Output);
        if (!settings.Overwrite && File.Exists(settings.Output))
            throw new LeNet5Exception($"{settings.Output} already holds a checkpoint; replace it with --overwrite, or choose another --output");

        Checkpoint imported = Checkpoint.Load<TNetwork>(settings.Source, new StateDictImport(renames, settings.IgnoreExtra));
        // The source's own metadata (PyTorch's format, a recipe) is kept; what describes the parameters or binds them to a
        // training run is written anew or left out.
        var metadata = imported.Metadata
            .Where(entry => entry.Key is not (Checkpoint.ArchitectureKey or Checkpoint.ContentHashKey or Checkpoint.RunIdKey or "parameter_count"))
            .ToDictionary(entry => entry.Key, entry => entry.Value);
        metadata["imported_from"] = Path.GetFileName(settings.Source);
        if (renames.Count > 0) metadata["import_renames"] = string.Join(" ", renames);
        Checkpoint.Save<TNetwork>(settings.Output, imported.Parameters, metadata);

        TextWriter o = output.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{TNetwork.Description.Name}: {TNetwork.Description.ParameterTensors.Count} tensors ({TNetwork.Description.ParameterCount:N0} parameters) from {settings.Source} written as F32 to {settings.Output}"));
        if (renames.Count > 0) o.WriteLine($"renamed: {string.Join(", ", renames)}");
        if (imported.IgnoredTensors.Count > 0)
        {
            string shown = string.Join(", ", imported.IgnoredTensors.Take(8));
            string more = imported.IgnoredTensors.Count > 8 ? $" and {imported.IgnoredTensors.Count - 8} more" : "";
            o.WriteLine($"ignored: {imported.IgnoredTensors.Count} tensor{(imported.IgnoredTensors.Count > 1 ? "s" : "")} ({shown}{more})");
        }
        o.WriteLine($"evaluate it with '{output.Program} evaluate --checkpoint {settings.Output}'");
        return 0;
    }

    private sealed record ImportSettings
    {
        public required string Source { get; init; }
        public required string[] Renames { get; init; }
        public bool IgnoreExtra { get; init; }
        public required string Output { get; init; }
        public bool Overwrite { get; init; }
    }
}
