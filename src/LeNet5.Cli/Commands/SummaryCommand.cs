using System.CommandLine;
using System.Globalization;
using System.Text;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli.Commands;

/// <summary>
/// <c>summary</c>: the chosen network layer by layer (kind, output shape, activation, parameters, the paper's
/// connections, multiply-adds), its totals, input scaling, classes, loss and training recipe, as torchinfo and
/// Keras' <c>summary()</c> print them. Everything comes from the generated network; no checkpoint is read.
/// </summary>
internal static class SummaryCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The output stays within this many columns.</summary>
    private const int Columns = 80;

    /// <summary>Joins words that <see cref="Wrap"/> must not break apart; printed as a space.</summary>
    private const char NoBreak = '\u00A0';

    public static Command Create(CommandContext context)
    {
        var command = new Command("summary", "Layers, output shapes, parameters and multiply-adds of the network, its input scaling and training recipe");
        command.SetAction(_ => context.Network.Accept(new Run(context.Output)));
        return command;
    }

    private sealed class Run(Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork
        {
            output.Out.Write(Describe<TNetwork>());
            return 0;
        }
    }

    /// <summary>The summary of <typeparamref name="TNetwork"/>, lines ending in a newline.</summary>
    public static string Describe<TNetwork>() where TNetwork : struct, INetwork
    {
        NetworkDescription network = TNetwork.Description;
        IReadOnlyList<LayerDescription> layers = network.Layers;
        long multiplyAdds = layers.Sum(l => l.MultiplyAdds), connections = layers.Sum(l => l.ConnectionCount);
        var text = new StringBuilder();
        text.Append(Invariant, $"{network.Name}: {layers.Count} layers, {network.ParameterCount:N0} parameters, {multiplyAdds:N0} multiply-adds per image").Append('\n');
        text.Append('\n');

        string[] header = ["layer", "kind", "output", "activation", "params", "connections", "mult-adds"];
        var rows = new List<string[]> { new[] { "input", "", network.Input.ToString(), "", "", "", "" } };
        foreach (LayerDescription layer in layers)
        {
            rows.Add([layer.Name, Kind(layer), layer.Output.ToString(), Activations.Name(layer.Activation), Count(Parameters(network, layer)), Count(layer.ConnectionCount), Count(layer.MultiplyAdds)]);
        }
        string[] total = ["total", "", "", "", Count(network.ParameterCount), Count(connections), Count(multiplyAdds)];
        bool[] right = [false, false, false, false, true, true, true];
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(c => rows.Append(header).Append(total).Max(r => r[c].Length))];
        // A network with long layer names drops the connections rather than pass 80 columns.
        bool[] shown = [.. Enumerable.Repeat(true, header.Length)];
        if (widths.Sum() + 2 * (header.Length - 1) > Columns) shown[5] = false;
        AppendRow(text, header, widths, right, shown);
        AppendRow(text, [.. widths.Select(w => new string('-', w))], widths, right, shown);
        foreach (string[] row in rows) AppendRow(text, row, widths, right, shown);
        AppendRow(text, [.. widths.Select(w => new string('-', w))], widths, right, shown);
        AppendRow(text, total, widths, right, shown);
        text.Append('\n');

        foreach (LayerDescription layer in layers.Where(l => l.Connections.Count > 0))
        {
            int pairs = layer.Connections.Sum(c => c.Count);
            Wrap(text, $"* {layer.Name}: connection table, {pairs} of {layer.Output.Channels * layer.Input.Channels} pairs of filter and input map");
        }
        Wrap(text, InputText(network));
        Wrap(text, $"classes: {network.ClassCount} ({string.Join(" ", network.ClassNames)})");
        Wrap(text, network.Loss == LossKind.MapCriterion
            ? $"loss: MAP criterion (LeCun et al. 1998, eq. 9), j = {Number(network.LossConstant)}"
            : "loss: softmax cross-entropy");
        Wrap(text, "training: " + Recipe(network.Training));
        Wrap(text, string.Create(Invariant,
            $"memory: {network.ParameterCount * 4 / 1024.0:F1} KiB of float32 parameters; training keeps {network.ActivationSize:N0} floats per image"));
        text.Append('\n');
        Wrap(text, "mult-adds: products of a weight (or an rbf prototype value) with an input, added into a sum, per image in the "
            + "forward pass; biases, pooling, padding and activations add none. connections: every input of every output value "
            + "plus its bias, as LeCun et al. 1998 count them.");
        return text.ToString();
    }

    private static long Parameters(NetworkDescription network, LayerDescription layer)
        => layer.ParameterNames.Sum(name => (long)network.ParameterTensors.Single(t => t.Name == name).Length);

    /// <summary>The kind with its window: <c>conv2d 5x5</c>, <c>conv2d 3x3 s2 p1</c>, <c>avgpool2d 2x2</c>, <c>pad 2 (-0.4242)</c>.</summary>
    private static string Kind(LayerDescription layer)
    {
        // A sparse convolution is a conv2d marked '*'; its connection table is summed up below the table.
        bool convolution = layer.Kind is LayerKind.Conv2d or LayerKind.SparseConv2d;
        string kind = LayerKinds.Name(convolution ? LayerKind.Conv2d : layer.Kind);
        // Four digits, as the input line gives the background: the seed network's -0.42421296 keeps the table in 80 columns.
        if (layer.Kind == LayerKind.Pad) return layer.PadValue == 0 ? $"pad {layer.Padding}" : string.Create(Invariant, $"pad {layer.Padding} ({layer.PadValue:G4})");
        if (layer.Kernel == 0) return kind;
        var text = new StringBuilder(kind).Append(Invariant, $" {layer.Kernel}x{layer.Kernel}");
        if (convolution && layer.Stride > 1) text.Append(Invariant, $" s{layer.Stride}");
        if (convolution && layer.Padding > 0) text.Append(Invariant, $" p{layer.Padding}");
        if (layer.Connections.Count > 0) text.Append('*');
        return text.ToString();
    }

    private static string InputText(NetworkDescription network)
    {
        InputScaling scaling = network.InputScaling;
        float range = scaling.Foreground - scaling.Background;
        string formula = scaling == InputScaling.Standardized
            ? string.Create(Invariant, $"(x/255 - {MnistPreprocessing.Mean:G})/{MnistPreprocessing.StandardDeviation:G}")
            : $"{Number(scaling.Background)} {(range < 0 ? "-" : "+")} {Number(Math.Abs(range))} x/255";
        return $"input: {network.Input}, pixel x -> {formula} (0 -> {Number(scaling.Background)}, 255 -> {Number(scaling.Foreground)})";
    }

    /// <summary>
    /// The recipe, with a per-epoch schedule run-length encoded (<c>0.0005 x2, 0.0002 x3</c>); the words of each item are
    /// joined by no-break spaces so that wrapping breaks between items.
    /// </summary>
    private static string Recipe(TrainingRecipe recipe)
    {
        var parts = new List<string> { Glue($"{recipe.Epochs} epochs"), Glue($"batch {recipe.BatchSize}"), Optimizers.Name(recipe.Optimizer) };
        LearningRateSchedule schedule = recipe.LearningRateSchedule;
        if (schedule.Count > 0)
        {
            var runs = new List<string>();
            for (int i = 0; i < schedule.Count;)
            {
                int j = i;
                while (j < schedule.Count && schedule[j] == schedule[i]) j++;
                runs.Add(Glue($"{Number(schedule[i])} x{j - i}"));
                i = j;
            }
            parts.Add(Glue("learning rate by epoch") + " " + string.Join(", ", runs));
        }
        else
        {
            parts.Add(Glue($"learning rate {Number(recipe.LearningRate)}" + (recipe.LearningRateDecay == 1f ? "" : $" x{Number(recipe.LearningRateDecay)} per epoch")));
        }
        if (recipe.Optimizer == OptimizerKind.Sgd) parts.Add(Glue($"momentum {Number(recipe.Momentum)}"));
        if (recipe.Optimizer == OptimizerKind.Sdlm)
        {
            parts.Add(Glue($"mu {Number(recipe.Damping)}"));
            parts.Add(Glue($"curvature from {recipe.CurvatureSamples:N0} images"));
        }
        parts.Add(Glue($"weight decay {Number(recipe.WeightDecay)}"));
        if (recipe.Distort) parts.Add(Glue("affine distortions"));
        parts.Add(Glue($"seed {recipe.Seed}"));
        return string.Join(", ", parts);
    }

    private static string Glue(string words) => words.Replace(' ', NoBreak);

    /// <summary>Up to four decimals, never in exponent form: 0.00005, -0.4242.</summary>
    private static string Number(float value) => value.ToString(Math.Abs(value) < 0.001f ? "0.#########" : "0.####", Invariant);

    private static string Count(long value) => value == 0 ? "-" : value.ToString("N0", Invariant);

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths, bool[] right, bool[] shown)
    {
        var line = new StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (!shown[c]) continue;
            if (line.Length > 0) line.Append("  ");
            line.Append(right[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
        }
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }

    /// <summary>Appends <paramref name="line"/> broken at spaces into lines of at most 80 columns, the later ones indented.</summary>
    private static void Wrap(StringBuilder text, string line)
    {
        const string indent = "  ";
        int width = 0;
        foreach (string word in line.Split(' '))
        {
            if (width > 0 && width + 1 + word.Length > Columns)
            {
                text.Append('\n').Append(indent);
                width = indent.Length;
            }
            else if (width > 0)
            {
                text.Append(' ');
                width++;
            }
            text.Append(word.Replace(NoBreak, ' '));
            width += word.Length;
        }
        text.Append('\n');
    }
}
