using LeNet5.Imaging;
using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>The console commands for one architecture, non-generic so the catalog can hold several.</summary>
public interface IArchitectureCommands
{
    /// <summary>The architecture's name.</summary>
    string Name { get; }

    /// <summary>The architecture's training recipe.</summary>
    TrainingDefaults Training { get; }

    /// <summary>Trains and saves checkpoints; returns the exit code.</summary>
    int Train(TrainSettings settings, Output output);

    /// <summary>Evaluates a checkpoint on the test set; returns the exit code.</summary>
    int Evaluate(EvaluateSettings settings, Output output);

    /// <summary>Classifies images and test-set indices; returns the exit code.</summary>
    int Infer(InferSettings settings, Output output);

    /// <summary>Writes a checkpoint as an ONNX model; returns the exit code.</summary>
    int ExportOnnx(ExportSettings settings, Output output);
}

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Error"/>.</summary>
/// <param name="Out">Results.</param>
/// <param name="Error">Progress, notes and errors.</param>
/// <param name="Interactive">Whether <see cref="Error"/> is a terminal (progress redrawn in place with \r).</param>
/// <param name="Cancellation">Signalled by Ctrl+C: training stops after the current step.</param>
/// <param name="Program">The program's name, which starts every error line.</param>
public sealed record Output(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Cancellation = default, string Program = "lenet5");

/// <summary>Options of <c>train</c>; null means the architecture's default.</summary>
public sealed record TrainSettings
{
    /// <summary>Data folder.</summary>
    public string? Data { get; init; }
    /// <summary>What the data folder holds: <c>mnist</c> (checksums verified, the default) or <c>idx</c>.</summary>
    public string? Dataset { get; init; }
    /// <summary>Epochs.</summary>
    public int? Epochs { get; init; }
    /// <summary>Batch size.</summary>
    public int? BatchSize { get; init; }
    /// <summary>sgd or adam.</summary>
    public string? Optimizer { get; init; }
    /// <summary>Learning rate.</summary>
    public float? LearningRate { get; init; }
    /// <summary>Learning-rate factor per epoch.</summary>
    public float? LearningRateDecay { get; init; }
    /// <summary>SGD momentum.</summary>
    public float? Momentum { get; init; }
    /// <summary>Weight decay.</summary>
    public float? WeightDecay { get; init; }
    /// <summary>Seed.</summary>
    public int? Seed { get; init; }
    /// <summary>Threads.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Checkpoint path.</summary>
    public string? Output { get; init; }
    /// <summary>Random affine distortions of the training images.</summary>
    public bool? Distort { get; init; }
    /// <summary>The mu of sdlm.</summary>
    public float? Damping { get; init; }
    /// <summary>Train on the first N training images only.</summary>
    public int? Limit { get; init; }
    /// <summary>Hold out the last N training images and evaluate on them instead of the test set.</summary>
    public int? Validation { get; init; }
    /// <summary>Continue from the checkpoint at <see cref="Output"/> and its optimizer state.</summary>
    public bool Resume { get; init; }
    /// <summary>Replace a checkpoint of another run at <see cref="Output"/> instead of refusing to.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>Options of <c>evaluate</c>.</summary>
public sealed record EvaluateSettings
{
    /// <summary>Checkpoint path.</summary>
    public required string Checkpoint { get; init; }
    /// <summary>Data folder.</summary>
    public string? Data { get; init; }
    /// <summary>What the data folder holds: <c>mnist</c> (checksums verified, the default) or <c>idx</c>.</summary>
    public string? Dataset { get; init; }
    /// <summary>Threads.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>Options of <c>infer</c>.</summary>
public sealed record InferSettings
{
    /// <summary>Checkpoint path.</summary>
    public required string Checkpoint { get; init; }
    /// <summary>Image files.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>Test-set indices.</summary>
    public IReadOnlyList<int> Indices { get; init; } = [];
    /// <summary>Which way round the digits in the image files are drawn.</summary>
    public InkPolarity Polarity { get; init; } = InkPolarity.Auto;
    /// <summary>Scale the whole image to the input (no crop, fit or centring), for images already in MNIST form.</summary>
    public bool Raw { get; init; }
    /// <summary>Folder to write, for each input, the image the network saw as PNG; null for none.</summary>
    public string? Show { get; init; }
    /// <summary>Data folder (for indices).</summary>
    public string? Data { get; init; }
    /// <summary>What the data folder holds: <c>mnist</c> (checksums verified, the default) or <c>idx</c>.</summary>
    public string? Dataset { get; init; }
}

/// <summary>Options of <c>export</c>.</summary>
public sealed record ExportSettings
{
    /// <summary>Checkpoint path.</summary>
    public required string Checkpoint { get; init; }
    /// <summary>File to write.</summary>
    public required string Output { get; init; }
}
