using System.Globalization;
using System.Runtime.InteropServices;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>The one training recipe: its defaults, <c>with</c>, value equality, and its round trip through checkpoint metadata.</summary>
public sealed class TrainingRecipeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Every setting away from its default, the schedule with rates that print in exponent form.</summary>
    private static readonly TrainingRecipe Unusual = new()
    {
        Epochs = 7,
        BatchSize = 3,
        Optimizer = OptimizerKind.Sdlm,
        LearningRate = 0.1f + 0.2f,
        LearningRateDecay = 0.85f,
        LearningRateSchedule = [5e-05f, 1e-05f, 0.3f, float.Epsilon],
        Momentum = 0.25f,
        WeightDecay = 1e-4f,
        Seed = -42,
        Distort = true,
        Damping = 0.5f,
        CurvatureSamples = 17,
    };

    [Fact]
    public void Defaults_are_the_ones_the_architecture_schema_documents()
    {
        var recipe = new TrainingRecipe();
        Assert.Equal(
            (10, 64, OptimizerKind.Adam, 0.001f, 1f, 0.9f, 0f, 1, false, 0.02f, 500),
            (recipe.Epochs, recipe.BatchSize, recipe.Optimizer, recipe.LearningRate, recipe.LearningRateDecay, recipe.Momentum, recipe.WeightDecay,
                recipe.Seed, recipe.Distort, recipe.Damping, recipe.CurvatureSamples));
        Assert.Empty(recipe.LearningRateSchedule);
        recipe.Validate();
    }

    [Fact]
    public void With_changes_a_copy_and_keeps_every_other_setting()
    {
        TrainingRecipe changed = Unusual with { Epochs = 2, Optimizer = OptimizerKind.Sgd };
        Assert.Equal(7, Unusual.Epochs);
        Assert.Equal(OptimizerKind.Sdlm, Unusual.Optimizer);
        Assert.Equal((2, OptimizerKind.Sgd), (changed.Epochs, changed.Optimizer));
        Assert.Equal(Unusual, changed with { Epochs = 7, Optimizer = OptimizerKind.Sdlm });
        Assert.NotEqual(Unusual, changed);
    }

    [Fact]
    public void Recipes_are_equal_when_their_settings_are_and_schedules_compare_rate_by_rate()
    {
        TrainingRecipe a = new TrainingRecipe() with { LearningRateSchedule = [0.5f, 0.25f] };
        TrainingRecipe b = new TrainingRecipe() with { LearningRateSchedule = new LearningRateSchedule(new List<float> { 0.5f, 0.25f }) };
        Assert.NotSame(a.LearningRateSchedule, b.LearningRateSchedule);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { LearningRateSchedule = [0.5f] });
        Assert.NotEqual(a, b with { LearningRateSchedule = [0.5f, 0.25f, 0.25f] });
        Assert.NotEqual(a, b with { LearningRateSchedule = LearningRateSchedule.None });
        Assert.Equal(new TrainingRecipe(), new TrainingRecipe() with { LearningRateSchedule = [] });
        Assert.Equal("[0.5, 0.25]", a.LearningRateSchedule.ToString());
    }

    [Fact]
    public void The_metadata_round_trip_gives_an_equal_recipe()
    {
        foreach (TrainingRecipe recipe in new[] { new TrainingRecipe(), Unusual, Unusual with { LearningRateSchedule = [] } })
        {
            Assert.Equal(recipe, TrainingRecipe.FromMetadata(recipe.ToMetadata(), new TrainingRecipe()));
        }
        IReadOnlyDictionary<string, string> written = Unusual.ToMetadata();
        Assert.Equal("sdlm", written["optimizer"]);
        Assert.Equal("0.3", written["learning_rate"]);
        Assert.Equal("5E-05,1E-05,0.3,1E-45", written["learning_rate_schedule"]);
        Assert.Equal("true", written["distort"]);
        Assert.Equal("-42", written["seed"]);
        Assert.Equal(
            ["optimizer", "batch_size", "learning_rate", "learning_rate_decay", "learning_rate_schedule", "momentum", "weight_decay", "seed", "distort", "damping", "curvature_samples", "epochs"],
            written.Keys);
        Assert.Equal("", new TrainingRecipe().ToMetadata()["learning_rate_schedule"]);
    }

    [Fact]
    public void The_metadata_round_trip_holds_through_a_checkpoint_file()
    {
        string path = _temp.File("recipe.safetensors");
        Checkpoint.Save<TinyMlp>(path, new float[TinyMlp.ParameterCount], Unusual.ToMetadata());
        Assert.Equal(Unusual, TrainingRecipe.FromMetadata(Checkpoint.Load<TinyMlp>(path).Metadata, TinyMlp.Description.Training));
    }

    [Fact]
    public void Settings_the_metadata_lacks_keep_the_given_recipes()
    {
        // A checkpoint from before the schedule and the curvature samples were recorded.
        var metadata = Unusual.ToMetadata().Where(e => e.Key is not ("learning_rate_schedule" or "curvature_samples")).ToDictionary();
        TrainingRecipe read = TrainingRecipe.FromMetadata(metadata, new TrainingRecipe { LearningRateSchedule = [0.125f], CurvatureSamples = 9 });
        Assert.Equal(Unusual with { LearningRateSchedule = [0.125f], CurvatureSamples = 9 }, read);
        Assert.Equal(TinyMlp.Description.Training, TrainingRecipe.FromMetadata(new Dictionary<string, string>(), TinyMlp.Description.Training));
    }

    [Theory]
    [InlineData("optimizer", "rmsprop", "the metadata's 'optimizer' is 'rmsprop', not one of sgd, adam, sdlm")]
    [InlineData("batch_size", "6.5", "the metadata's 'batch_size' is '6.5', not an integer")]
    [InlineData("learning_rate", "fast", "the metadata's 'learning_rate' is 'fast', not a number")]
    [InlineData("learning_rate_schedule", "0.1,,0.2", "the metadata's 'learning_rate_schedule' is '0.1,,0.2', not numbers separated by commas")]
    [InlineData("distort", "yes", "the metadata's 'distort' is 'yes', not true or false")]
    public void Invalid_metadata_is_refused_naming_the_setting(string key, string text, string message)
    {
        var metadata = new Dictionary<string, string> { [key] = text };
        var error = Assert.Throws<CheckpointException>(() => TrainingRecipe.FromMetadata(metadata, new TrainingRecipe()));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("Epochs", "epochs must be at least 1, not 0")]
    [InlineData("BatchSize", "batch size must be at least 1, not 0")]
    [InlineData("Optimizer", "unknown optimizer 9; use one of: sgd, adam, sdlm")]
    [InlineData("Schedule", "every scheduled learning rate must be a positive number, not -1")]
    [InlineData("CurvatureSamples", "curvature samples must be at least 1, not 0")]
    public void Validate_names_the_invalid_setting(string setting, string message)
    {
        var recipe = new TrainingRecipe();
        recipe = setting switch
        {
            "Epochs" => recipe with { Epochs = 0 },
            "BatchSize" => recipe with { BatchSize = 0 },
            "Optimizer" => recipe with { Optimizer = (OptimizerKind)9 },
            "Schedule" => recipe with { LearningRateSchedule = [0.1f, -1f] },
            _ => recipe with { CurvatureSamples = 0 },
        };
        Assert.Equal(message, Assert.Throws<LeNet5Exception>(recipe.Validate).Message);
        Assert.Throws<LeNet5Exception>(() => new Trainer<TinyMlp>(recipe));
    }

    [Fact]
    public void Execution_settings_do_not_change_the_result_and_are_checked()
    {
        MnistDataset data = TinyMlp.SyntheticData(200, 3);
        float[] Train(ExecutionSettings execution)
        {
            using var trainer = new Trainer<TinyMlp>(TinyMlp.Description.Training, execution);
            trainer.TrainEpoch(data, 0);
            return trainer.Parameters;
        }
        float[] one = Train(new ExecutionSettings { Threads = 1 }), three = Train(new ExecutionSettings { Threads = 3 });
        Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(three.AsSpan())));
        var error = Assert.Throws<LeNet5Exception>(() => new Trainer<TinyMlp>(TinyMlp.Description.Training, new ExecutionSettings { Threads = 0 }));
        Assert.Equal("threads must be at least 1, not 0", error.Message);
    }

    [Fact]
    public void The_learning_rate_of_an_epoch_comes_from_the_schedule_or_the_decay()
    {
        var decayed = new TrainingRecipe { LearningRate = 0.05f, LearningRateDecay = 0.5f };
        Assert.Equal(0.05f, decayed.LearningRateAt(0));
        Assert.Equal(0.0125f, decayed.LearningRateAt(2));
        TrainingRecipe scheduled = decayed with { LearningRateSchedule = [0.3f, 0.2f] };
        Assert.Equal(0.3f, scheduled.LearningRateAt(0));
        Assert.Equal(0.2f, scheduled.LearningRateAt(5));
    }

    [Fact]
    public void Resume_refuses_another_recipe_naming_the_setting_and_its_option()
    {
        string checkpoint = _temp.File("run/model.safetensors");
        string[] Train(params string[] extra) =>
            ["train", "--data", TestData.MnistFolder, "--limit", "300", "--threads", "1", "--output", checkpoint, "--batch-size", "100", .. extra];
        var first = Lenet5Console.Capture(Train("--epochs", "1", "--momentum", "0.5"));
        Assert.True(first.Code == 0, first.Error);

        var momentum = Lenet5Console.Capture(Train("--epochs", "2", "--resume"));
        Assert.Equal(1, momentum.Code);
        Assert.Equal($"lenet5: error: --resume: {checkpoint} was trained with momentum 0.5 but this run has 0.9; give the same --momentum to resume", momentum.Error.Trim());

        var optimizer = Lenet5Console.Capture(Train("--epochs", "2", "--momentum", "0.5", "--optimizer", "adam", "--resume"));
        Assert.Contains("was trained with optimizer sgd but this run has adam; give the same --optimizer to resume", optimizer.Error);

        // More epochs than first planned is the same recipe.
        var more = Lenet5Console.Capture(Train("--epochs", "2", "--momentum", "0.5", "--resume"));
        Assert.True(more.Code == 0, more.Error);
        Assert.Equal("2", Checkpoint.Load<LeNet5.Model.LeNet5Network>(checkpoint).Metadata["epochs"]);
    }

    [Fact]
    public void A_checkpoint_with_no_training_run_in_its_metadata_is_refused_in_one_line()
    {
        // As `import safetensors` writes it: parameters, no recipe, no epoch.
        string checkpoint = _temp.File("imported/model.safetensors");
        Checkpoint.Save<LeNet5.Model.LeNet5Network>(checkpoint, LeNet5.Model.DigitClassifier.Parameters);
        var resume = Lenet5Console.Capture("train", "--data", TestData.MnistFolder, "--limit", "300", "--epochs", "2", "--output", checkpoint, "--resume");
        Assert.Equal(1, resume.Code);
        Assert.Equal($"lenet5: error: {checkpoint}: the checkpoint has no 'training_images' in its metadata; cannot resume", resume.Error.Trim());

        // A recipe setting that does not read is named.
        Checkpoint.Save<LeNet5.Model.LeNet5Network>(checkpoint, LeNet5.Model.DigitClassifier.Parameters, new Dictionary<string, string> { ["optimizer"] = "lbfgs" });
        resume = Lenet5Console.Capture("train", "--data", TestData.MnistFolder, "--limit", "300", "--epochs", "2", "--output", checkpoint, "--resume");
        Assert.Equal($"lenet5: error: {checkpoint}: the metadata's 'optimizer' is 'lbfgs', not one of sgd, adam, sdlm; cannot resume", resume.Error.Trim());
    }

    [Fact]
    public void A_checkpoint_saved_before_the_whole_recipe_was_recorded_resumes_to_the_uninterrupted_result()
    {
        string[] Train(string output, int epochs, bool resume = false) =>
            ["train", "-a", "paper", "--data", TestData.MnistFolder, "--limit", "200", "--threads", "1", "--output", output, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), .. resume ? new[] { "--resume" } : []];
        string straight = _temp.File("straight/paper.safetensors"), older = _temp.File("older/paper.safetensors");
        Assert.Equal(0, Lenet5Console.Capture(Train(straight, 2)).Code);
        Assert.Equal(0, Lenet5Console.Capture(Train(older, 1)).Code);

        // As written before this recipe: no schedule (the paper's is the architecture's), no curvature samples.
        Checkpoint first = Checkpoint.Load<LeNet5.Trainer.PaperNetwork>(older);
        Assert.Equal(LeNet5.Trainer.PaperNetwork.Description.Training with { Epochs = 1 }, TrainingRecipe.FromMetadata(first.Metadata, new TrainingRecipe()));
        Checkpoint.Save<LeNet5.Trainer.PaperNetwork>(older, first.Parameters,
            first.Metadata.Where(e => e.Key is not ("learning_rate_schedule" or "curvature_samples")).ToDictionary());

        var resumed = Lenet5Console.Capture(Train(older, 2, resume: true));
        Assert.True(resumed.Code == 0, resumed.Error);
        float[] expected = Checkpoint.Load<LeNet5.Trainer.PaperNetwork>(straight).Parameters, actual = Checkpoint.Load<LeNet5.Trainer.PaperNetwork>(older).Parameters;
        Assert.True(MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(actual.AsSpan())));
    }
}
