using System.CommandLine;
using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Onnx;

namespace LeNet5.Cli.Commands;

/// <summary><c>export onnx</c>: writes a checkpoint as an ONNX model.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create(CommandContext context)
    {
        string defaultName = DefaultName(context.Network.Name);
        var output = new Option<string>("--output", "-o")
        {
            Description = "ONNX file to write; a folder receives it under the default name",
            DefaultValueFactory = _ => defaultName,
            HelpName = "PATH",
        };
        var command = new Command("onnx", "Write a checkpoint as an ONNX model (input [batch, C, H, W] normalised like MNIST training, output logits)")
        {
            context.Checkpoint, output,
        };
        command.SetAction(parse => context.Network.Accept(new Run(parse.GetValue(context.Checkpoint)!, parse.GetValue(output)!, context.Output)));
        return new Command("export", "Write a checkpoint in another format") { command };
    }

    /// <summary>The ONNX file name used when none is given, or only a folder.</summary>
    private static string DefaultName(string network) => network.ToLowerInvariant() + ".onnx";

    private sealed class Run(string checkpoint, string model, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Export<TNetwork>(checkpoint, model, output);
    }

    private static int Export<TNetwork>(string checkpointPath, string requested, Output output) where TNetwork : struct, INetwork
    {
        string defaultName = DefaultName(TNetwork.Name);
        if (string.IsNullOrWhiteSpace(requested)) throw new LeNet5Exception("--output is empty; give the ONNX file's name, for example " + defaultName);
        // A folder (existing, or written with a trailing separator) receives the model under its default name.
        string model = Directory.Exists(requested) || Path.EndsInDirectorySeparator(requested) ? Path.Combine(requested, defaultName) : requested;
        if (Directory.Exists(model)) throw new LeNet5Exception($"--output {model} is a folder; give the ONNX file's name");
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(checkpointPath);
        OnnxExporter.Export<TNetwork>(model, checkpoint.Parameters);
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{TNetwork.Name} checkpoint {checkpointPath} written as ONNX (opset {OnnxExporter.OpsetVersion}) to {model}: input '{OnnxExporter.InputName}' [batch, {TNetwork.InputChannels}, {TNetwork.InputHeight}, {TNetwork.InputWidth}], output '{OnnxExporter.OutputName}' [batch, {TNetwork.ClassCount}]"));
        return 0;
    }
}
