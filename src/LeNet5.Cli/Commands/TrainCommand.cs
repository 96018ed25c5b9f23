using System.CommandLine;
using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli.Commands;

/// <summary><c>train</c>: trains the network, evaluating and saving a checkpoint after every epoch.</summary>
internal static class TrainCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create(CommandContext context)
    {
        TrainingRecipe d = context.Network.Training;
        var epochs = new Option<int?>("--epochs") { Description = $"Passes over the training set [default: {d.Epochs}]", HelpName = "N" };
        var batchSize = new Option<int?>("--batch-size") { Description = $"Images per optimizer step [default: {d.BatchSize}]", HelpName = "N" };
        var optimizer = new Option<string?>("--optimizer") { Description = $"sgd, adam or sdlm [default: {Optimizers.Name(d.Optimizer)}]", HelpName = string.Join("|", Optimizers.Names) };
        optimizer.AcceptOnlyFromAmong([.. Optimizers.Names]);
        var learningRate = new Option<float?>("--learning-rate", "--lr") { Description = $"Step size [default: {Formatting.Plain(d.LearningRate)}]", HelpName = "X" };
        var learningRateDecay = new Option<float?>("--lr-decay") { Description = $"Learning-rate factor applied after every epoch [default: {Formatting.Plain(d.LearningRateDecay)}]", HelpName = "X" };
        var momentum = new Option<float?>("--momentum") { Description = $"SGD momentum [default: {Formatting.Plain(d.Momentum)}]", HelpName = "X" };
        var weightDecay = new Option<float?>("--weight-decay") { Description = $"L2 penalty [default: {Formatting.Plain(d.WeightDecay)}]", HelpName = "X" };
        var seed = new Option<int?>("--seed") { Description = $"Seed of initialisation and shuffling [default: {d.Seed}]", HelpName = "N" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Checkpoint to write after every epoch (safetensors); the history .csv and plot .png go beside it",
            DefaultValueFactory = _ => context.Network.DefaultCheckpoint,
            HelpName = "PATH",
        };
        var keep = new Option<string?>("--keep")
        {
            Description = "Checkpoints kept beside the last epoch's: best (also NAME.best.safetensors, the epoch with the highest accuracy), " +
                "last (nothing more) or all (also every epoch's NAME.epoch-01.safetensors) [default: best]",
            HelpName = "best|last|all",
        };
        keep.AcceptOnlyFromAmong([.. KeptCheckpoints.Names]);
        var patience = new Option<int?>("--patience")
        {
            Description = "Stop early when the accuracy on the evaluated images (--validation, else the test set) has not improved for N epochs",
            HelpName = "N",
        };
        var distort = new Option<bool?>("--distort")
        {
            Description = $"Random affine distortions of the training images: true or false [default: {(d.Distort ? "true" : "false")}]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var damping = new Option<float?>("--damping") { Description = $"The mu of sdlm: each step is lr / (mu + curvature) [default: {Formatting.Plain(d.Damping)}]", HelpName = "X" };
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
        var command = new Command("train", $"Train {context.Network.Name} on MNIST, evaluating on the test set after every epoch")
        {
            context.Data, context.Dataset, epochs, batchSize, optimizer, learningRate, learningRateDecay, momentum, weightDecay, seed,
            context.Threads, output, keep, patience, limit, validation, distort, damping, resume, overwrite,
        };
        command.SetAction(parse =>
        {
            // The network's recipe, changed by the options given; the rest of them say how to run it.
            float? rate = parse.GetValue(learningRate), decay = parse.GetValue(learningRateDecay);
            TrainingRecipe recipe = d with
            {
                Epochs = parse.GetValue(epochs) ?? d.Epochs,
                BatchSize = parse.GetValue(batchSize) ?? d.BatchSize,
                Optimizer = parse.GetValue(optimizer) is string name ? Optimizers.Parse(name) : d.Optimizer,
                LearningRate = rate ?? d.LearningRate,
                LearningRateDecay = decay ?? d.LearningRateDecay,
                // A rate given on the command line replaces the architecture's per-epoch schedule.
                LearningRateSchedule = rate is null && decay is null ? d.LearningRateSchedule : LearningRateSchedule.None,
                Momentum = parse.GetValue(momentum) ?? d.Momentum,
                WeightDecay = parse.GetValue(weightDecay) ?? d.WeightDecay,
                Seed = parse.GetValue(seed) ?? d.Seed,
                Distort = parse.GetResult(distort) is null ? d.Distort : parse.GetValue(distort) ?? true,
                Damping = parse.GetValue(damping) ?? d.Damping,
            };
            return context.Network.Accept(new Run(new TrainSettings
            {
                Recipe = recipe,
                Data = parse.GetValue(context.Data),
                Dataset = parse.GetValue(context.Dataset),
                Threads = parse.GetValue(context.Threads),
                Output = parse.GetValue(output),
                Keep = parse.GetValue(keep),
                Patience = parse.GetValue(patience),
                Limit = parse.GetValue(limit),
                Validation = parse.GetValue(validation),
                Resume = parse.GetValue(resume),
                Overwrite = parse.GetValue(overwrite),
            }, context.Output));
        });
        return command;
    }

    private sealed class Run(TrainSettings settings, Output output) : INetworkVisitor<int>
    {
        public int Visit<TNetwork>() where TNetwork : struct, INetwork => Train<TNetwork>(settings, output);
    }

    private static int Train<TNetwork>(TrainSettings settings, Output output) where TNetwork : struct, INetwork
    {
        TrainingRecipe recipe = settings.Recipe;
        int epochs = recipe.Epochs;
        if (epochs < 1) throw new LeNet5Exception($"--epochs must be at least 1, not {epochs}");
        if (settings.Limit is < 1) throw new LeNet5Exception($"--limit must be at least 1, not {settings.Limit}");
        if (settings.Validation is < 1) throw new LeNet5Exception($"--validation must be at least 1, not {settings.Validation}");
        if (settings.Patience is < 1) throw new LeNet5Exception($"--patience must be at least 1, not {settings.Patience}");
        KeepMode keep = KeptCheckpoints.Parse(settings.Keep);
        var execution = new ExecutionSettings { Threads = settings.Threads };
        try
        {
            recipe.Validate();
            execution.Validate();
        }
        catch (LeNet5Exception e)
        {
            throw new LeNet5Exception("invalid option: " + e.Message);
        }
        string defaultCheckpoint = new ConsoleNetwork<TNetwork>().DefaultCheckpoint;
        if (settings.Output is not null && string.IsNullOrWhiteSpace(settings.Output))
            throw new LeNet5Exception($"--output is empty; give the checkpoint's file name, for example {defaultCheckpoint}");
        string checkpoint = settings.Output ?? defaultCheckpoint;
        if (Directory.Exists(checkpoint)) throw new LeNet5Exception($"--output {checkpoint} is a folder; give the checkpoint's file name, for example {Path.Combine(checkpoint, Path.GetFileName(defaultCheckpoint))}");
        using OutputLock runLock = OutputLock.Acquire(checkpoint);
        EpochFiles.CheckWritable(checkpoint);
        if (!settings.Resume && !settings.Overwrite && File.Exists(checkpoint))
            throw new LeNet5Exception($"{checkpoint} holds the checkpoint of another run; continue that run with --resume, or replace it with --overwrite");

        DatasetKind dataset = DataSource.Parse(settings.Dataset);
        string folder = DataSource.Resolve(settings.Data, dataset, output, withTrainingFiles: true);
        MnistDataset train = DataSource.LoadTraining<TNetwork>(folder, dataset);
        MnistDataset test;
        string evaluated = settings.Validation is null ? "test" : "validation";
        if (settings.Validation is int held)
        {
            if (held >= train.Count) throw new LeNet5Exception($"--validation {held} leaves no training images: there are {train.Count:N0}");
            test = train.Skip(train.Count - held);
            train = train.Take(train.Count - held);
        }
        else
        {
            test = DataSource.LoadTest<TNetwork>(folder, dataset);
        }
        if (settings.Limit is int limit) train = train.Take(limit);
        if (settings.Patience is not null && settings.Validation is null)
        {
            output.Error.WriteLine(
                $"{output.Program}: note: --patience picks the epoch by the test set, which then no longer measures it unseen; hold out images to pick by with --validation N");
        }

        // Short lines, so that an 80-column terminal shows them unwrapped.
        TextWriter o = output.Out;
        o.WriteLine(string.Create(Invariant, $"{TNetwork.Description.Name}: {TNetwork.Description.ParameterCount:N0} parameters, {Formatting.Count(execution.Threads, "thread")}"));
        o.WriteLine(string.Create(Invariant, $"data:   {train.Count:N0} training and {test.Count:N0} {evaluated} images from {folder}"));
        o.WriteLine($"recipe: {Describe(recipe)}");
        o.WriteLine(keep switch
        {
            KeepMode.Last => "keep:   the last epoch only",
            KeepMode.Best => $"keep:   the best epoch as {KeptCheckpoints.BestPath(checkpoint)}",
            _ => $"keep:   the best epoch as {KeptCheckpoints.BestPath(checkpoint)}, each as {KeptCheckpoints.EpochPattern(checkpoint)}",
        });
        if (settings.Patience is int patienceEpochs) o.WriteLine($"stop:   after {Formatting.Count(patienceEpochs, "epoch")} without a better {evaluated} accuracy");
        o.WriteLine();
        var table = new EpochTable(o, evaluated);
        table.WriteHeader();

        var history = new TrainingHistory(TNetwork.Description.Name, evaluated);
        int firstEpoch = 0;
        Checkpoint? resumed = settings.Resume ? EpochFiles.ResumePoint<TNetwork>(checkpoint, recipe, train.Count, settings.Validation ?? 0, out firstEpoch) : null;
        if (settings.Resume && resumed is null) output.Error.WriteLine($"{output.Program}: note: no checkpoint at {checkpoint} yet; the run starts from epoch 1");
        using var trainer = new Trainer<TNetwork>(recipe, execution, resumed is null ? default : resumed.Parameters);
        // One id for the whole run, kept across resumes, binds each optimizer state to its own checkpoint.
        string runId = resumed is not null && resumed.Metadata.TryGetValue(Checkpoint.RunIdKey, out string? savedRun) ? savedRun : Guid.NewGuid().ToString("N");
        if (resumed is not null)
        {
            EpochFiles.LoadOptimizerState<TNetwork>(checkpoint, resumed, recipe.Optimizer, trainer.Optimizer);
            int stepsPerEpoch = (train.Count + recipe.BatchSize - 1) / recipe.BatchSize;
            if (trainer.Steps != firstEpoch * stepsPerEpoch)
            {
                throw new LeNet5Exception(
                    $"{OptimizerCheckpoint.PathFor(checkpoint)}: optimizer state after step {trainer.Steps} does not belong to the checkpoint of epoch {firstEpoch} ({firstEpoch * stepsPerEpoch} steps); cannot resume");
            }
            foreach (EpochRecord record in TrainingHistory.ReadCsv(TrainingHistory.CsvPath(checkpoint)).Where(r => r.Epoch <= firstEpoch)) history.Add(record);
            // A run killed after saving the checkpoint but before the history has the checkpoint's row only in its metadata;
            // it is written back at once, as a later kill of this run could leave the history without it for good.
            if (history.Records.Count == 0 || history.Records[^1].Epoch != firstEpoch)
            {
                history.Add(EpochFiles.RecordOf(resumed, firstEpoch, evaluated));
                history.Write(checkpoint);
            }
            KeptCheckpoints.Resume<TNetwork>(checkpoint, keep, resumed, firstEpoch, history.Best!, runId);
            EpochRecord? bestSoFar = null;
            foreach (EpochRecord r in history.Records)
            {
                bool isBest = TrainingHistory.Improves(r, bestSoFar);
                if (isBest) bestSoFar = r;
                table.WriteRow(r, trainer.LearningRateAt(r.Epoch - 1), isBest);
            }
        }
        string? stopped = StopReason(history, settings.Patience, evaluated);
        if (firstEpoch == epochs || stopped is not null)
        {
            // Nothing left to train, but a run killed just after its last checkpoint left that epoch's save unfinished.
            output.Out.WriteLine(stopped is null
                ? $"{checkpoint} has already trained {Formatting.Count(epochs, "epoch")}; nothing to train (ask for more with --epochs)"
                : $"{checkpoint} has stopped early ({stopped}); nothing to train (give a larger --patience, or none, to go on)");
            EpochFiles.DeletePreviousState(checkpoint);
            history.Write(checkpoint);
        }

        using var evaluator = new Evaluator<TNetwork>(execution.Threads);
        var display = ProgressDisplay.Create(output, new RunPlan(firstEpoch, epochs, train.Count, evaluated));
        for (int epoch = firstEpoch; epoch < epochs && stopped is null; epoch++)
        {
            EpochFiles.CheckFreeSpace<TNetwork>(checkpoint, trainer.Optimizer.StateBuffers.Sum(b => (long)b.Buffer.Length), KeptCheckpoints.ExtraFiles(keep));
            EpochResult result;
            EvaluationResult evaluation;
            try
            {
                (result, evaluation) = display.RunEpoch(epoch, history.Best, () =>
                {
                    EpochResult trained = trainer.TrainEpoch(train, epoch, display.Report, output.Cancellation);
                    display.Evaluating(test.Count);
                    EvaluationResult measured = evaluator.Evaluate(trainer.Parameters, test);
                    trainer.Divergence.ObserveEvaluation(epoch, evaluated, measured);
                    return (trained, measured);
                });
            }
            catch (TrainingDivergedException e)
            {
                // The diverged epoch is not saved: the files of the last good epoch stay as they are.
                string kept = epoch == 0 ? "nothing was saved" : $"the checkpoint of epoch {epoch} at {checkpoint} is kept";
                throw new TrainingDivergedException($"{e.Message}; {kept}");
            }
            catch (OperationCanceledException) when (output.Cancellation.IsCancellationRequested)
            {
                // Ctrl+C: the files of the completed epochs are all in place; say which before the exit.
                if (history.Records.Count > 0) WriteSummary(output, history, checkpoint, keep, $"interrupted in epoch {epoch + 1}");
                throw;
            }
            var row = new EpochRecord(epoch + 1, result.MeanLoss, evaluation.MeanLoss, evaluation.Accuracy, result.ImagesPerSecond, result.Elapsed.TotalSeconds);
            bool best = TrainingHistory.Improves(row, history.Best);
            history.Add(row);
            table.WriteRow(row, trainer.LearningRateAt(epoch), best);
            Dictionary<string, string> metadata = EpochFiles.Metadata(recipe, train.Count, settings.Validation ?? 0, evaluated, row, runId);
            // The checkpoint first: a kill before the copies are written leaves them to the resumed run to write.
            EpochFiles.SaveEpoch(checkpoint, recipe.Optimizer, trainer, metadata, runId);
            KeptCheckpoints.SaveEpoch<TNetwork>(checkpoint, keep, trainer.Parameters, metadata, row.Epoch, best);
            history.Write(checkpoint);
            stopped = StopReason(history, settings.Patience, evaluated);
        }
        WriteSummary(output, history, checkpoint, keep, stopped is null ? null : "stopped early: " + stopped);
        return 0;
    }

    /// <summary>Why the run stops before its last epoch (<c>--patience</c>), or null while it goes on.</summary>
    private static string? StopReason(TrainingHistory history, int? patience, string evaluated)
    {
        if (patience is not int epochs || history.Best is not EpochRecord best) return null;
        int since = history.Records[^1].Epoch - best.Epoch;
        return since >= epochs ? $"no better {evaluated} accuracy in the {Formatting.Count(since, "epoch")} after epoch {best.Epoch}" : null;
    }

    /// <summary>The lines after the table: the best and final accuracy, and where each file is.</summary>
    private static void WriteSummary(Output output, TrainingHistory history, string checkpoint, KeepMode keep, string? ending)
    {
        EpochRecord best = history.Best!, last = history.Records[^1];
        string evaluated = history.Evaluated;
        TextWriter o = output.Out;
        o.WriteLine();
        o.WriteLine(string.Create(Invariant,
            $"best {evaluated} accuracy {best.TestAccuracy * 100:F2}% at epoch {best.Epoch}; final {last.TestAccuracy * 100:F2}%; training time {history.Records.Sum(r => r.Seconds):F1} s"));
        if (ending is not null) o.WriteLine(ending);
        o.WriteLine($"checkpoint: {checkpoint} (epoch {last.Epoch})");
        o.WriteLine(keep != KeepMode.Last ? $"best:       {KeptCheckpoints.BestPath(checkpoint)} (epoch {best.Epoch})"
            : best.Epoch == last.Epoch ? $"best:       {checkpoint} (epoch {best.Epoch})"
            : $"best:       not kept (--keep last)");
        if (keep == KeepMode.All)
        {
            int first = history.Records[0].Epoch;
            o.WriteLine(first == last.Epoch
                ? $"epochs:     {KeptCheckpoints.EpochPath(checkpoint, last.Epoch)}"
                : $"epochs:     {KeptCheckpoints.EpochPath(checkpoint, first)} to {Path.GetFileName(KeptCheckpoints.EpochPath(checkpoint, last.Epoch))}");
        }
        o.WriteLine($"history:    {TrainingHistory.CsvPath(checkpoint)}");
        o.WriteLine($"plot:       {TrainingHistory.PlotPath(checkpoint)}");
    }

    /// <summary>The recipe, printed before the table.</summary>
    private static string Describe(TrainingRecipe recipe)
    {
        string momentumText = recipe.Optimizer == OptimizerKind.Sgd ? $", momentum {Formatting.Plain(recipe.Momentum)}" : "";
        string decayText = recipe.LearningRateSchedule.Count > 0
            ? " scheduled " + string.Join(", ", recipe.LearningRateSchedule.Select(r => Formatting.Plain(r)))
            : recipe.LearningRateDecay == 1f ? "" : $" x{Formatting.Plain(recipe.LearningRateDecay)} per epoch";
        if (recipe.Optimizer == OptimizerKind.Sdlm) decayText += $", mu {Formatting.Plain(recipe.Damping)}, curvature from {Formatting.Count(recipe.CurvatureSamples, "image")} per epoch";
        if (recipe.Distort) decayText += ", affine distortions";
        string weightDecayText = recipe.WeightDecay == 0 ? "" : $", weight decay {Formatting.Plain(recipe.WeightDecay)}";
        return string.Create(Invariant,
            $"{Formatting.Count(recipe.Epochs, "epoch")}, batch {recipe.BatchSize}, {Optimizers.Name(recipe.Optimizer)} lr {Formatting.Plain(recipe.LearningRate)}{decayText}{momentumText}{weightDecayText}, seed {recipe.Seed}");
    }
}

/// <summary>
/// Options of <c>train</c>: the recipe (the architecture's, with the options given applied) and how to run it, which
/// does not change the result.
/// </summary>
internal sealed record TrainSettings
{
    /// <summary>The architecture's recipe with the recipe options applied.</summary>
    public required TrainingRecipe Recipe { get; init; }
    public string? Data { get; init; }
    public string? Dataset { get; init; }
    /// <summary><c>--threads</c>, for <see cref="ExecutionSettings.Threads"/>.</summary>
    public required int Threads { get; init; }
    /// <summary>Checkpoint path.</summary>
    public string? Output { get; init; }
    /// <summary><c>--keep best|last|all</c>; null: best.</summary>
    public string? Keep { get; init; }
    /// <summary>Stop after this many epochs without a better accuracy; null: never early.</summary>
    public int? Patience { get; init; }
    /// <summary>Train on the first N training images only.</summary>
    public int? Limit { get; init; }
    /// <summary>Hold out the last N training images and evaluate on them instead of the test set.</summary>
    public int? Validation { get; init; }
    /// <summary>Continue from the checkpoint at <see cref="Output"/> and its optimizer state.</summary>
    public bool Resume { get; init; }
    /// <summary>Replace a checkpoint of another run at <see cref="Output"/> instead of refusing to.</summary>
    public bool Overwrite { get; init; }
}
