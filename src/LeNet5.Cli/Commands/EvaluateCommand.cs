using System.CommandLine;
using System.Globalization;
using LeNet5.Runtime;

namespace LeNet5.Cli.Commands;

/// <summary><c>evaluate</c>: accuracy, loss and confusion matrix of a checkpoint on the test set.</summary>
internal static class EvaluateCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create(CommandContext context)
    {
        var command = new Command("evaluate", "Accuracy, loss and confusion matrix of a checkpoint on the MNIST test set")
        {
            context.Checkpoint, context.Data, context.Dataset, context.Threads,
        };
        command.SetAction(parse => context.Network.Accept(new Run(new EvaluateSettings
        {
            Checkpoint = parse.GetValue(context.Checkpoint)!,
            Data = parse.GetValue(context.Data),
            Dataset = parse.GetValue(context.Dataset),
            Threads = parse.GetValue(context.Threads),
        }, context.Output)));
        return command;
    }

    private sealed class Run(EvaluateSettings settings, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Evaluate<TNetwork>(settings, output);
    }

    private static int Evaluate<TNetwork>(EvaluateSettings settings, Output output) where TNetwork : struct, INetwork
    {
        Checkpoint checkpoint = Checkpoint.Load<TNetwork>(settings.Checkpoint);
        if (settings.Threads < 1) throw new LeNet5Exception($"--threads must be at least 1, not {settings.Threads}");
        DatasetKind dataset = DataSource.Parse(settings.Dataset);
        MnistDataset test = DataSource.LoadTest<TNetwork>(DataSource.Resolve(settings.Data, dataset, output), dataset);
        using var evaluator = new Evaluator<TNetwork>(settings.Threads);
        EvaluationResult result = evaluator.Evaluate(checkpoint.Parameters, test);

        TextWriter o = output.Out;
        o.WriteLine($"{TNetwork.Name} checkpoint {settings.Checkpoint} on {test.Count:N0} test images");
        if (checkpoint.Metadata.TryGetValue("epoch", out string? epoch) && checkpoint.Metadata.TryGetValue("optimizer", out string? optimizer))
        {
            string of = checkpoint.Metadata.TryGetValue("epochs", out string? epochs) ? $" of {epochs}" : "";
            string rate = checkpoint.Metadata.TryGetValue("learning_rate", out string? lr) ? $" lr {lr}" : "";
            o.WriteLine($"trained: epoch {epoch}{of}, {optimizer}{rate}");
        }
        o.WriteLine(string.Create(Invariant, $"accuracy: {result.Accuracy * 100:F2}% ({result.Correct} of {result.Count}), error {100 - result.Accuracy * 100:F2}%"));
        o.WriteLine(string.Create(Invariant, $"loss:     {result.MeanLoss:F4}"));
        o.WriteLine();
        WriteConfusion(o, result);
        return 0;
    }

    private static void WriteConfusion(TextWriter o, EvaluationResult result)
    {
        int classes = result.ClassCount;
        o.WriteLine("confusion matrix (rows: true digit, columns: predicted digit)");
        o.Write("true\\pred");
        for (int c = 0; c < classes; c++) o.Write(string.Create(Invariant, $"{c,6}"));
        o.WriteLine("  recall");
        for (int t = 0; t < classes; t++)
        {
            o.Write(string.Create(Invariant, $"{t,9}"));
            int total = 0;
            for (int p = 0; p < classes; p++)
            {
                o.Write(string.Create(Invariant, $"{result[t, p],6}"));
                total += result[t, p];
            }
            double recall = total == 0 ? 0 : 100.0 * result[t, t] / total;
            o.WriteLine(string.Create(Invariant, $"  {recall,5:F1}%"));
        }
    }
}

/// <summary>Options of <c>evaluate</c>.</summary>
internal sealed record EvaluateSettings
{
    public required string Checkpoint { get; init; }
    public string? Data { get; init; }
    public string? Dataset { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
}
