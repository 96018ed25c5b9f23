using System.Globalization;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Training;

/// <summary>
/// Stops a run that diverged instead of letting it save and report losses of 1e9 as results. A run has diverged when
/// a loss is not finite; when, after <see cref="WarmupSteps"/> steps, the epoch's mean training loss (or an evaluation's
/// loss) exceeds <see cref="LossFactor"/> times the initial loss (the first step's, before any update, and at least the
/// loss of a uniform guess, ln of the class count, so that a resumed, well-trained run is not held to its own tiny
/// loss); when an epoch's mean training loss climbs back above that reference, or to over <see cref="RiseFactor"/>
/// times the lowest epoch mean so far and above half the reference (a slow divergence, such as 1.6, 3.0, 7.1, that
/// never reaches 10x); or when, after <see cref="AccuracyWarmupImages"/> training images, an evaluation is no more
/// accurate than always answering the most frequent class. The message names the most likely cause from the recipe.
/// </summary>
public sealed class DivergenceMonitor
{
    /// <summary>How far above the initial loss a loss must rise to count as divergence.</summary>
    public const double LossFactor = 10;

    /// <summary>How far above the lowest epoch mean so far an epoch's mean training loss must rise to count as divergence.</summary>
    public const double RiseFactor = 2;

    /// <summary>Steps of a run before the loss is compared with the initial loss (the first steps are noisy).</summary>
    public const int WarmupSteps = 10;

    /// <summary>Images a run trains on before an accuracy at chance counts as divergence rather than a slow start.</summary>
    public const int AccuracyWarmupImages = 5_000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly TrainingRecipe _recipe;
    private readonly double _uniformLoss;
    private readonly bool _startedFromParameters;
    private double _initialLoss = double.NaN;
    private double _lowestEpochLoss = double.PositiveInfinity;
    private int _lowestEpoch;
    private int _steps;
    private long _images;

    /// <summary>Creates a monitor for one run.</summary>
    /// <param name="recipe">The run's recipe, which the advice refers to.</param>
    /// <param name="classCount">The network's class count.</param>
    /// <param name="startedFromParameters">Whether the run started from given parameters (a resumed checkpoint) rather than an initialisation.</param>
    public DivergenceMonitor(TrainingRecipe recipe, int classCount, bool startedFromParameters)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        _recipe = recipe;
        _uniformLoss = Math.Log(Math.Max(2, classCount));
        _startedFromParameters = startedFromParameters;
        LearningRate = recipe.LearningRate;
    }

    /// <summary>The learning rate of the current epoch, named in the advice (the trainer sets it as its schedule goes).</summary>
    public float LearningRate { get; set; }

    /// <summary>The mean loss of the run's first batch, before any update (NaN before the first step).</summary>
    public double InitialLoss => _initialLoss;

    private double Reference => Math.Max(_initialLoss, _uniformLoss);

    /// <summary>Checks one step.</summary>
    /// <param name="epoch">The epoch, 0-based.</param>
    /// <param name="step">The step within the epoch, 1-based.</param>
    /// <param name="images">Images in the step's batch.</param>
    /// <param name="batchLoss">The batch's mean loss, measured before the step's update.</param>
    /// <param name="epochLoss">The mean loss of the epoch so far, this batch included.</param>
    /// <exception cref="TrainingDivergedException">The run diverged.</exception>
    public void ObserveStep(int epoch, int step, int images, double batchLoss, double epochLoss)
    {
        // Called on every step, which allocates nothing: messages are built only when thrown.
        if (!double.IsFinite(batchLoss)) throw Diverged($"the loss became {Number(batchLoss)} at epoch {epoch + 1}, step {step}", atStart: _steps == 0);
        if (_steps == 0) _initialLoss = batchLoss;
        _steps++;
        _images += images;
        if (_steps > WarmupSteps && epochLoss > LossFactor * Reference)
            throw Diverged($"the mean training loss rose to {Number(epochLoss)} at epoch {epoch + 1}, step {step}, over {LossFactor:G}x the initial {Number(Reference)}", atStart: false);
    }

    /// <summary>Checks an epoch's mean training loss against the epochs before it in this run.</summary>
    /// <param name="epoch">The epoch, 0-based.</param>
    /// <param name="meanLoss">The epoch's mean training loss.</param>
    /// <exception cref="TrainingDivergedException">The run diverged.</exception>
    public void ObserveEpoch(int epoch, double meanLoss)
    {
        if (!double.IsFinite(meanLoss)) throw Diverged($"the mean training loss of epoch {epoch + 1} is {Number(meanLoss)}", atStart: false);
        // The first epoch has nothing to compare with but the per-step rule; below half the reference a doubling is
        // noise of a well-trained run (0.005 to 0.011), not divergence.
        double limit = double.IsPositiveInfinity(_lowestEpochLoss) ? double.PositiveInfinity
            : Math.Max(Reference / 2, Math.Min(RiseFactor * _lowestEpochLoss, Reference));
        // Only a rise counts: a run that started above the initial loss and is coming down is not diverging.
        if (meanLoss > limit && meanLoss > _lowestEpochLoss)
        {
            string rule = meanLoss > Reference ? $"above the initial loss {Number(Reference)}" : $"over {RiseFactor:G}x";
            throw Diverged($"the mean training loss rose from {Number(_lowestEpochLoss)} at epoch {_lowestEpoch + 1} to {Number(meanLoss)} at epoch {epoch + 1}, {rule}", atStart: false);
        }
        if (meanLoss < _lowestEpochLoss) (_lowestEpochLoss, _lowestEpoch) = (meanLoss, epoch);
    }

    /// <summary>Checks the evaluation after an epoch.</summary>
    /// <param name="epoch">The epoch, 0-based.</param>
    /// <param name="evaluated">What was evaluated, for the message: "test" or "validation".</param>
    /// <param name="evaluation">The evaluation of the parameters after the epoch.</param>
    /// <exception cref="TrainingDivergedException">The run diverged.</exception>
    public void ObserveEvaluation(int epoch, string evaluated, EvaluationResult evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        string after = $"after epoch {epoch + 1}";
        double loss = evaluation.MeanLoss;
        if (!double.IsFinite(loss) || (_steps > WarmupSteps && loss > LossFactor * Reference))
            throw Diverged($"the {evaluated} loss is {Number(loss)} {after}, over {LossFactor:G}x the initial {Number(Reference)}", atStart: false);

        // A network that learned nothing (or was wrecked into a constant output) answers one class for everything.
        (int mostFrequent, int count) = MostFrequentClass(evaluation);
        double constant = evaluation.Count == 0 ? 1 : (double)count / evaluation.Count;
        if (_images >= AccuracyWarmupImages && evaluation.Count > 0 && evaluation.Accuracy <= constant + 0.01)
        {
            throw Diverged(string.Create(Invariant,
                $"the {evaluated} accuracy is {evaluation.Accuracy * 100:F2}% {after} ({_images:N0} images trained), no better than always answering {mostFrequent} ({constant * 100:F2}%)"), atStart: false);
        }
    }

    private static (int Class, int Count) MostFrequentClass(EvaluationResult evaluation)
    {
        (int Class, int Count) best = (0, -1);
        for (int c = 0; c < evaluation.ClassCount; c++)
        {
            int count = 0;
            for (int p = 0; p < evaluation.ClassCount; p++) count += evaluation[c, p];
            if (count > best.Count) best = (c, count);
        }
        return best;
    }

    private TrainingDivergedException Diverged(string what, bool atStart) =>
        new($"training diverged: {what}; {LikelyCause(atStart)}");

    /// <summary>The recipe setting most likely to blame, with what to try.</summary>
    private string LikelyCause(bool atStart)
    {
        TrainingRecipe o = _recipe;
        string lr = Number(LearningRate);
        if (atStart && _startedFromParameters)
            return "the parameters the run started from (the resumed checkpoint) already give this loss: resume from an earlier checkpoint or start afresh";
        if (o.Optimizer == OptimizerKind.Sdlm)
            return $"the learning rate {lr} is likely too high for sdlm's damping {Number(o.Damping)} (each step is lr / (damping + curvature)): lower --lr or raise --damping";
        if (o.Optimizer == OptimizerKind.Sgd && o.Momentum >= 0.95f)
            return $"the momentum {Number(o.Momentum)} is likely too high (it multiplies the steps by up to {Number(1 / (1 - (double)Math.Min(o.Momentum, 0.999f)))}): lower --momentum or --lr";
        if (o.Optimizer == OptimizerKind.Sgd && (double)LearningRate * o.WeightDecay >= 1)
            return $"the weight decay {Number(o.WeightDecay)} times the learning rate {lr} is {Number((double)LearningRate * o.WeightDecay)}, at which the decay alone overshoots: lower --weight-decay";
        string resumed = _startedFromParameters ? " (or the resumed checkpoint holds extreme values)" : "";
        return $"the learning rate {lr} is likely too high for {Optimizers.Name(o.Optimizer)}{resumed}: try --lr {Number(LearningRate / 10.0)}";
    }

    private static string Number(double value) => double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "+Infinity" : "-Infinity")
        : value.ToString("G3", Invariant);
}
