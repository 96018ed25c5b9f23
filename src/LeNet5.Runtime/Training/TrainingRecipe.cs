using System.Globalization;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Training;

/// <summary>
/// What a training run does, and all that decides its result: the architecture file's <c>training</c> section
/// (<c>MyNetwork.Description.Training</c>), changed with <c>with { }</c>. Every default is here, and only here: an architecture
/// file's section sets what it names and leaves the rest to these. How the run is executed (threads, shards) is
/// apart, in <see cref="ExecutionSettings"/>, since it does not change the result. Two recipes are equal when every
/// setting is, the schedule compared rate by rate; checkpoints hold theirs (<see cref="ToMetadata"/>), so that a
/// resumed run can check it goes on with the same one.
/// </summary>
public sealed record TrainingRecipe
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per optimizer step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Step size (of the first epoch, when <see cref="LearningRateDecay"/> is below 1).</summary>
    public float LearningRate { get; init; } = 0.001f;

    /// <summary>Factor applied to the learning rate after every epoch (PyTorch's <c>StepLR</c> with step 1); 1 keeps it constant.</summary>
    public float LearningRateDecay { get; init; } = 1f;

    /// <summary>One learning rate per epoch, the last holding for later epochs; empty to use <see cref="LearningRate"/> and <see cref="LearningRateDecay"/>.</summary>
    public LearningRateSchedule LearningRateSchedule { get; init; } = LearningRateSchedule.None;

    /// <summary>Momentum of <c>sgd</c> (the others ignore it).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 penalty added to the gradient (<c>sgd</c> and <c>adam</c>).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Seed of the initialisation, the per-epoch shuffles and the distortions.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Distort every training image with a random affine transformation (<see cref="AffineDistortion"/>).</summary>
    public bool Distort { get; init; }

    /// <summary>The mu of <c>sdlm</c>: each step is <c>lr / (mu + curvature)</c>.</summary>
    public float Damping { get; init; } = 0.02f;

    /// <summary>Images on which <c>sdlm</c> estimates the Hessian diagonal before each epoch.</summary>
    public int CurvatureSamples { get; init; } = 500;

    /// <summary>
    /// The learning rate of epoch <paramref name="epoch"/> (0-based): the schedule's entry (its last for later epochs)
    /// if there is a schedule, otherwise the base rate decayed once per epoch.
    /// </summary>
    public float LearningRateAt(int epoch) => LearningRateSchedule.Count > 0
        ? LearningRateSchedule[Math.Min(epoch, LearningRateSchedule.Count - 1)]
        : (float)(LearningRate * Math.Pow(LearningRateDecay, epoch));

    /// <summary>Throws a <see cref="LeNet5Exception"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new LeNet5Exception($"epochs must be at least 1, not {Epochs}");
        if (BatchSize < 1) throw new LeNet5Exception($"batch size must be at least 1, not {BatchSize}");
        if (!Enum.IsDefined(Optimizer)) throw new LeNet5Exception($"unknown optimizer {(int)Optimizer}; use one of: {string.Join(", ", Optimizers.Names)}");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new LeNet5Exception($"learning rate must be a positive number, not {LearningRate}");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1)) throw new LeNet5Exception($"learning rate decay must be in (0, 1], not {LearningRateDecay}");
        if (LearningRateSchedule is null) throw new LeNet5Exception($"learning rate schedule must not be null; use {nameof(LearningRateSchedule)}.{nameof(LearningRateSchedule.None)}");
        foreach (float rate in LearningRateSchedule)
        {
            if (!(rate > 0) || !float.IsFinite(rate)) throw new LeNet5Exception($"every scheduled learning rate must be a positive number, not {rate}");
        }
        if (!(Momentum >= 0) || !float.IsFinite(Momentum)) throw new LeNet5Exception($"momentum must be 0 or more, not {Momentum}");
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay)) throw new LeNet5Exception($"weight decay must be 0 or more, not {WeightDecay}");
        if (!(Damping > 0) || !float.IsFinite(Damping)) throw new LeNet5Exception($"damping must be a positive number, not {Damping}");
        if (CurvatureSamples < 1) throw new LeNet5Exception($"curvature samples must be at least 1, not {CurvatureSamples}");
    }

    /// <summary>
    /// The recipe as checkpoint metadata (for <see cref="Checkpoint.Save{TNetwork}"/>): one entry per setting, in a
    /// fixed order, numbers in the invariant culture and exact (<c>optimizer</c> <c>sgd</c>, <c>learning_rate</c>
    /// <c>0.05</c>, <c>learning_rate_schedule</c> <c>0.0005,0.0002</c> or empty, ...); <see cref="FromMetadata"/>
    /// reads it back equal.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var entries = new OrderedDictionary<string, string>(Fields.Length);
        foreach (Field field in Fields) entries.Add(field.Key, field.Write(this));
        return entries;
    }

    /// <summary>
    /// The recipe that <see cref="ToMetadata"/> wrote into <paramref name="metadata"/>. A setting the metadata lacks
    /// keeps its value in <paramref name="absent"/>: checkpoints saved before that setting was recorded (or by other
    /// programs) are taken to have used it.
    /// </summary>
    /// <param name="metadata">A checkpoint's metadata (<see cref="Checkpoint.Metadata"/>).</param>
    /// <param name="absent">Where the settings the metadata does not hold come from, for example the run's own recipe.</param>
    /// <exception cref="CheckpointException">A setting's text is not a valid value.</exception>
    public static TrainingRecipe FromMetadata(IReadOnlyDictionary<string, string> metadata, TrainingRecipe absent)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(absent);
        TrainingRecipe recipe = absent;
        foreach (Field field in Fields)
        {
            if (metadata.TryGetValue(field.Key, out string? text)) recipe = field.Read(recipe, text);
        }
        return recipe;
    }

    /// <summary>One setting's metadata key, and how it is written and read; the order is the order written.</summary>
    private sealed record Field(string Key, Func<TrainingRecipe, string> Write, Func<TrainingRecipe, string, TrainingRecipe> Read);

    private static readonly Field[] Fields =
    [
        new("optimizer", r => Optimizers.Name(r.Optimizer),
            (r, t) => r with { Optimizer = Optimizers.TryParse(t, out OptimizerKind kind) ? kind : throw Invalid("optimizer", t, "one of " + string.Join(", ", Optimizers.Names)) }),
        new("batch_size", r => Text(r.BatchSize), (r, t) => r with { BatchSize = Int("batch_size", t) }),
        new("learning_rate", r => Text(r.LearningRate), (r, t) => r with { LearningRate = Float("learning_rate", t) }),
        new("learning_rate_decay", r => Text(r.LearningRateDecay), (r, t) => r with { LearningRateDecay = Float("learning_rate_decay", t) }),
        new("learning_rate_schedule", r => string.Join(",", r.LearningRateSchedule.Select(Text)),
            (r, t) => r with { LearningRateSchedule = Schedule("learning_rate_schedule", t) }),
        new("momentum", r => Text(r.Momentum), (r, t) => r with { Momentum = Float("momentum", t) }),
        new("weight_decay", r => Text(r.WeightDecay), (r, t) => r with { WeightDecay = Float("weight_decay", t) }),
        new("seed", r => Text(r.Seed), (r, t) => r with { Seed = Int("seed", t) }),
        new("distort", r => r.Distort ? "true" : "false",
            (r, t) => r with { Distort = t == "true" || (t == "false" ? false : throw Invalid("distort", t, "true or false")) }),
        new("damping", r => Text(r.Damping), (r, t) => r with { Damping = Float("damping", t) }),
        new("curvature_samples", r => Text(r.CurvatureSamples), (r, t) => r with { CurvatureSamples = Int("curvature_samples", t) }),
        new("epochs", r => Text(r.Epochs), (r, t) => r with { Epochs = Int("epochs", t) }),
    ];

    private static string Text(int value) => value.ToString(Invariant);

    // "R": the shortest text that reads back as the same float.
    private static string Text(float value) => value.ToString("R", Invariant);

    private static int Int(string key, string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, Invariant, out int value) ? value : throw Invalid(key, text, "an integer");

    private static float Float(string key, string text) =>
        float.TryParse(text, NumberStyles.Float, Invariant, out float value) ? value : throw Invalid(key, text, "a number");

    private static LearningRateSchedule Schedule(string key, string text)
    {
        if (text.Length == 0) return LearningRateSchedule.None;
        var rates = new List<float>();
        foreach (string rate in text.Split(','))
        {
            if (!float.TryParse(rate, NumberStyles.Float, Invariant, out float value)) throw Invalid(key, text, "numbers separated by commas");
            rates.Add(value);
        }
        return new LearningRateSchedule(rates);
    }

    private static CheckpointException Invalid(string key, string text, string expected) =>
        new($"the metadata's '{key}' is '{text}', not {expected}");
}
