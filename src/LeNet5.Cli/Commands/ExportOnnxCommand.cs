using System.CommandLine;
using System.Globalization;
using LeNet5.Onnx;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Cli.Commands;

/// <summary><c>export onnx</c>: writes a checkpoint as an ONNX model.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create(CommandContext context)
    {
        string defaultPath = DefaultPath(context.Network);
        var output = new Option<string>("--output", "-o")
        {
            Description = "ONNX file to write; a folder receives it as " + Path.GetFileName(defaultPath),
            DefaultValueFactory = _ => defaultPath,
            HelpName = "PATH",
        };
        var probabilities = new Option<bool>("--probabilities")
        {
            Description = $"Add a second output '{OnnxExporter.ProbabilitiesName}', the softmax of the logits",
        };
        var version = new Option<long>("--model-version")
        {
            Description = "The model's model_version, the version of these weights",
            DefaultValueFactory = _ => new OnnxExportOptions().ModelVersion,
            HelpName = "N",
        };
        var command = new Command("onnx",
            "Write a checkpoint as an ONNX model (input [batch, C, H, W] scaled as the network wants it, output logits; input shape, scaling and class names in its metadata)")
        {
            context.Checkpoint, output, probabilities, version,
        };
        command.SetAction(parse => context.Network.Accept(new Run(
            parse.GetValue(context.Checkpoint)!, parse.GetValue(output)!, Path.GetFileName(defaultPath),
            new OnnxExportOptions { Probabilities = parse.GetValue(probabilities), ModelVersion = parse.GetValue(version) }, context.Output)));
        return new Command("export", "Write a checkpoint in another format") { command };
    }

    /// <summary>Where the model goes when no --output is given: beside the default checkpoint, <c>checkpoints/NAME.onnx</c>.</summary>
    private static string DefaultPath(ConsoleNetwork network) => Path.ChangeExtension(network.DefaultCheckpoint, ".onnx");

    private sealed class Run(string checkpoint, string model, string defaultName, OnnxExportOptions options, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Export<TNetwork>(checkpoint, model, defaultName, options, output);
    }

    private static int Export<TNetwork>(string checkpointPath, string requested, string defaultName, OnnxExportOptions options, Output output)
        where TNetwork : struct, INetwork
    {
        if (string.IsNullOrWhiteSpace(requested)) throw new LeNet5Exception("--output is empty; give the ONNX file's name, for example " + defaultName);
        if (options.ModelVersion < 0) throw new LeNet5Exception($"--model-version must be 0 or more, not {options.ModelVersion}");
        // A folder (existing, or written with a trailing separator) receives the model under its default name.
        string model = Directory.Exists(requested) || Path.EndsInDirectorySeparator(requested) ? Path.Combine(requested, defaultName) : requested;
        if (Directory.Exists(model)) throw new LeNet5Exception($"--output {model} is a folder; give the ONNX file's name");
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(checkpointPath);
        OnnxExporter.Export<TNetwork>(model, checkpoint.Parameters, options);
        NetworkDescription network = TNetwork.Description;
        string outputs = options.Probabilities ? $"outputs '{OnnxExporter.OutputName}' and '{OnnxExporter.ProbabilitiesName}'" : $"output '{OnnxExporter.OutputName}'";
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{network.Name} checkpoint {checkpointPath} written as ONNX (opset {OnnxExporter.OpsetVersion}, model version {options.ModelVersion}) to {model}: input '{OnnxExporter.InputName}' [batch, {network.Input.Channels}, {network.Input.Height}, {network.Input.Width}], {outputs} [batch, {network.ClassCount}]"));
        return 0;
    }
}
