using System.CommandLine;
using System.Globalization;
using LeNet5.Onnx;
using LeNet5.Runtime;

namespace LeNet5.Cli.Commands;

/// <summary><c>import onnx</c>: turns an ONNX model into an architecture file and a checkpoint.</summary>
internal static class ImportOnnxCommand
{
    private const int MnistSize = 28;

    public static Command Create(CommandContext context)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model, for example one written by PyTorch's torch.onnx.export" };
        var output = new Option<string>("--output", "-o")
        {
            Description = $"Folder to write {ImportedNetwork.ArchitectureFileName} and {ImportedNetwork.WeightsFileName} into",
            HelpName = "DIR",
            Required = true,
        };
        var name = new Option<string?>("--name")
        {
            Description = $"The architecture's name (the generated type is NAMENetwork) [default: the model's own if LeNet5.Generated wrote it, else {OnnxImporter.DefaultName}]",
            HelpName = "NAME",
        };
        var padding = new Option<int>("--input-padding")
        {
            Description = "The model's input was already padded by N on every side (PyTorch LeNet-5s pad MNIST's 28x28 to 32x32): take the image before padding and add a pad layer of the input's background",
            HelpName = "N",
        };
        var scale = new Option<string?>("--input-scale")
        {
            Description = "BACKGROUND,FOREGROUND: the values pixels 0 and 255 become [default: the model's metadata, else (x/255 - 0.1307)/0.3081]",
            HelpName = "X,X",
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the files if the folder already has them" };
        var command = new Command("onnx", "Read an ONNX model (Conv, Relu/Tanh/Sigmoid, AveragePool/MaxPool, Gemm or MatMul+Add, Flatten, Pad) as an architecture file and a checkpoint")
        {
            model, output, name, padding, scale, overwrite,
        };
        command.SetAction(parse => Import(
            parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(overwrite),
            new OnnxImportOptions { Name = parse.GetValue(name), InputPadding = parse.GetValue(padding), InputScaling = ParseScale(parse.GetValue(scale)) },
            context.Output));
        return command;
    }

    private static int Import(string model, string folder, bool overwrite, OnnxImportOptions options, Output output)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new LeNet5Exception("--output is empty; give the folder to write the architecture and weights into");
        if (File.Exists(folder)) throw new LeNet5Exception($"--output {folder} is a file; give a folder");
        string[] files = [Path.Combine(folder, ImportedNetwork.ArchitectureFileName), Path.Combine(folder, ImportedNetwork.WeightsFileName)];
        if (!overwrite && files.FirstOrDefault(File.Exists) is { } existing)
            throw new LeNet5Exception($"{existing} exists; import into another folder, or replace it with --overwrite");

        ImportedNetwork network = OnnxImporter.Import(model, options);
        network.Save(folder);

        TextWriter text = output.Out;
        text.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{network.Source} imported as {network.Name}: input {network.Input}, {network.Layers.Count} layers, {network.Parameters.Length:N0} parameters, {network.ClassNames.Count} classes"));
        foreach (LayerDescription layer in network.Layers)
        {
            string activation = layer.Activation == ActivationKind.None ? "" : " " + Activations.Name(layer.Activation);
            text.WriteLine($"  {layer.Name,-10} {LayerKinds.Name(layer.Kind),-10} {layer.Input} -> {layer.Output}{activation}");
        }
        text.WriteLine($"wrote {files[0]} and {files[1]}");
        FeatureShape input = network.Input;
        if (options.InputPadding == 0 && input.Channels == 1 && input.Height == input.Width && input.Height > MnistSize && (input.Height - MnistSize) % 2 == 0)
        {
            int pad = (input.Height - MnistSize) / 2;
            output.Error.WriteLine(
                $"note: the model takes {input.Height}x{input.Width} images; if they are MNIST's {MnistSize}x{MnistSize} digits padded by {pad}, as PyTorch LeNet-5s pad them, import with --input-padding {pad} so that the architecture takes the digits themselves");
        }
        return 0;
    }

    private static InputScaling? ParseScale(string? text)
    {
        if (text is null) return null;
        string[] parts = text.Split(',');
        if (parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float background)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float foreground)
            && float.IsFinite(background) && float.IsFinite(foreground) && background != foreground)
        {
            return new InputScaling(background, foreground);
        }
        throw new LeNet5Exception($"--input-scale '{text}' is not BACKGROUND,FOREGROUND, two different numbers such as -0.4242,2.8215");
    }
}
