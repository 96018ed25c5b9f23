using System.Numerics;
using System.Runtime.InteropServices;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Loss;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Training;

/// <summary>
/// Trains a generated network with mini-batches, data-parallel over threads and bit-identical for any thread count:
/// each batch is cut into fixed shards (<see cref="ExecutionSettings.ShardSize"/>), every shard runs
/// <c>ForwardTrain</c>, the loss gradient (scaled by 1 / batch size) and <c>Backward</c> into its own gradient
/// buffer, the shard gradients are summed in shard order, then the optimizer steps. Buffers are allocated once;
/// a step allocates nothing.
/// </summary>
/// <typeparam name="TNetwork">The generated network.</typeparam>
public sealed partial class Trainer<TNetwork> : IDisposable, IShardJob where TNetwork : struct, INetwork
{
    private readonly WorkerPool _pool;
    private readonly Scratch[] _scratch;
    private readonly float[][] _shardGradients;
    private readonly double[] _shardLoss;
    private int[] _order = [];

    // State of the batch being computed, read by the workers.
    private MnistDataset? _data;
    private int _batchStart;
    private int _batchSize;
    private int _shardCount;
    private int _shardLength;
    private int _epoch;

    /// <summary>Creates a trainer with the architecture's own recipe (<c>TNetwork.Description.Training</c>) and the default execution settings.</summary>
    /// <param name="initialParameters">Parameters to start from (copied), or empty to initialise from the recipe's seed.</param>
    public Trainer(ReadOnlySpan<float> initialParameters = default)
        : this(TNetwork.Description.Training, null, initialParameters)
    {
    }

    /// <summary>Creates a trainer; the parameters are initialised from the recipe's seed unless given.</summary>
    /// <param name="recipe">What to train with, for example <c>MyNetwork.Description.Training with { Epochs = 3 }</c>.</param>
    /// <param name="execution">Threads and shards; null for the defaults (every core).</param>
    /// <param name="initialParameters">Parameters to start from (copied), or empty to initialise from <see cref="TrainingRecipe.Seed"/>.</param>
    public Trainer(TrainingRecipe recipe, ExecutionSettings? execution = null, ReadOnlySpan<float> initialParameters = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        execution ??= new ExecutionSettings();
        recipe.Validate();
        execution.Validate();
        Recipe = recipe;
        Execution = execution;
        NetworkDescription network = TNetwork.Description;
        Parameters = new float[network.ParameterCount];
        if (initialParameters.IsEmpty)
        {
            TNetwork.InitializeParameters(Parameters, new Random(recipe.Seed));
        }
        else
        {
            if (initialParameters.Length != network.ParameterCount)
                throw new ArgumentException($"{network.Name} has {network.ParameterCount} parameters, not {initialParameters.Length}", nameof(initialParameters));
            initialParameters.CopyTo(Parameters);
        }
        Divergence = new DivergenceMonitor(recipe, network.ClassCount, startedFromParameters: !initialParameters.IsEmpty);
        Optimizer = Optimizers.Create(recipe, network.ParameterCount);

        // long: a batch size near int.MaxValue (the whole set in one step) must not overflow.
        int maxShards = (int)Math.Min(execution.MaxShards, ((long)recipe.BatchSize + execution.ShardSize - 1) / execution.ShardSize);
        long shardFloats = (long)execution.ShardSize * Math.Max(network.ActivationSize, Math.Max(network.InputSize, network.WorkspaceSize));
        if (shardFloats > Array.MaxLength)
            throw new LeNet5Exception($"shard size {execution.ShardSize} needs {shardFloats} floats of scratch per thread for {network.Name}, more than an array can hold");
        _pool = new WorkerPool(Math.Min(execution.Threads, maxShards));
        _scratch = new Scratch[_pool.ThreadCount];
        for (int i = 0; i < _scratch.Length; i++) _scratch[i] = new Scratch(execution.ShardSize);
        _shardGradients = new float[maxShards][];
        for (int i = 0; i < maxShards; i++) _shardGradients[i] = new float[network.ParameterCount];
        _shardLoss = new double[maxShards];
    }

    /// <summary>The recipe the trainer follows.</summary>
    public TrainingRecipe Recipe { get; }

    /// <summary>The threads and shards the trainer runs on.</summary>
    public ExecutionSettings Execution { get; }

    /// <summary>The parameters being trained, in the layout of <see cref="NetworkDescription.ParameterTensors"/>.</summary>
    public float[] Parameters { get; }

    /// <summary>The optimizer (its state persists across epochs).</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Watches the run's losses for divergence; give it each evaluation too (<see cref="DivergenceMonitor.ObserveEvaluation"/>).</summary>
    public DivergenceMonitor Divergence { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    public int Steps => Optimizer.StepCount;

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (0-based), as <see cref="TrainingRecipe.LearningRateAt"/> gives it.</summary>
    public float LearningRateAt(int epoch) => Recipe.LearningRateAt(epoch);

    /// <summary>Trains one epoch over <paramref name="data"/> in the order of <see cref="DataOrder.Shuffle"/>.</summary>
    /// <param name="data">Training images; their size must be the network's input size.</param>
    /// <param name="epoch">The epoch number (0-based), which selects the shuffle.</param>
    /// <param name="progress">Called after every step; may be null.</param>
    /// <param name="cancellationToken">Checked before every step; the parameters then hold the last completed step.</param>
    /// <exception cref="LeNet5Exception">The images do not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">The loss stopped being finite or rose far above the initial loss (see <see cref="Divergence"/>).</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public EpochResult TrainEpoch(MnistDataset data, int epoch, Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        EpochRun run = BeginEpoch(data, epoch);
        while (!run.IsComplete)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TrainingProgress done = run.Step();
            progress?.Invoke(done);
        }
        return run.Finish();
    }

    /// <summary>One optimizer step on the images at <c>order[start .. start + size]</c>; returns the summed loss.</summary>
    private double Step(int start, int size)
    {
        _batchStart = start;
        _batchSize = size;
        _shardCount = Math.Min(_shardGradients.Length, (size + Execution.ShardSize - 1) / Execution.ShardSize);
        _shardLength = (size + _shardCount - 1) / _shardCount;
        _pool.Run(this, _shardCount);

        Span<float> total = _shardGradients[0];
        double loss = _shardLoss[0];
        for (int shard = 1; shard < _shardCount; shard++)
        {
            Add(total, _shardGradients[shard]);
            loss += _shardLoss[shard];
        }
        // A non-finite loss stops training (see TrainEpoch) before it can spoil the parameters.
        if (double.IsFinite(loss)) Optimizer.Step(Parameters, total);
        return loss;
    }

    void IShardJob.RunShard(int shard, int worker)
    {
        Scratch scratch = _scratch[worker];
        MnistDataset data = _data!;
        Span<float> gradient = _shardGradients[shard];
        gradient.Clear();
        int first = shard * _shardLength;
        int end = Math.Min(_batchSize, first + _shardLength);
        float scale = 1f / _batchSize;
        NetworkDescription network = TNetwork.Description;
        int inputSize = network.InputSize, classes = network.ClassCount;
        double loss = 0;
        for (int piece = first; piece < end; piece += Execution.ShardSize)
        {
            int n = Math.Min(Execution.ShardSize, end - piece);
            for (int j = 0; j < n; j++)
            {
                int index = _order[_batchStart + piece + j];
                LoadImage(data, index, scratch.Input.AsSpan(j * inputSize, inputSize));
                scratch.Labels[j] = data.Labels[index];
            }
            ReadOnlySpan<float> input = scratch.Input.AsSpan(0, n * inputSize);
            Span<float> logits = scratch.Logits.AsSpan(0, n * classes);
            Span<float> logitsGradient = scratch.LogitsGradient.AsSpan(0, n * classes);
            Span<float> activations = scratch.Activations.AsSpan(0, n * network.ActivationSize);
            // Dropout masks hash the image's index in the whole batch, so they do not depend on the shards.
            if (TNetwork.UsesTrainingNoise)
                TNetwork.ForwardTrainWithNoise(Parameters, input, activations, logits, n, new TrainingNoise(Recipe.Seed, Optimizer.StepCount, piece));
            else
                TNetwork.ForwardTrain(Parameters, input, activations, logits, n);
            loss += Losses.SumLoss<TNetwork>(logits, scratch.Labels.AsSpan(0, n), logitsGradient, scale);
            TNetwork.Backward(Parameters, input, activations, logitsGradient, gradient, Span<float>.Empty, scratch.Workspace.AsSpan(0, n * network.WorkspaceSize), n);
        }
        _shardLoss[shard] = loss;
    }

    /// <summary>What every epoch starts with, whether trained whole or step by step: its order, learning rate and curvature.</summary>
    private void StartEpoch(MnistDataset data, int epoch)
    {
        ArgumentNullException.ThrowIfNull(data);
        NetworkDescription network = TNetwork.Description;
        data.CheckImageSize(network.Name, network.Input.Channels, network.Input.Height, network.Input.Width);
        if (_order.Length != data.Count) _order = new int[data.Count];
        DataOrder.Shuffle(_order, Recipe.Seed, epoch);
        Optimizer.LearningRate = LearningRateAt(epoch);
        Divergence.LearningRate = Optimizer.LearningRate;
        _epoch = epoch;
        if (Optimizer is ICurvatureOptimizer curvatureOptimizer) EstimateCurvature(data, curvatureOptimizer.Curvature);
    }

    /// <summary>Training image <paramref name="index"/> as the network sees it this epoch: distorted if the recipe says so.</summary>
    private void LoadImage(MnistDataset data, int index, Span<float> destination)
    {
        if (Recipe.Distort)
            AffineDistortion.Apply(data.Image(index), destination, data.Height, data.Width, TNetwork.Description.InputScaling.Background, Recipe.Seed, _epoch, index);
        else
            data.Image(index).CopyTo(destination);
    }

    /// <summary>
    /// The Hessian-diagonal estimate an <see cref="ICurvatureOptimizer"/> needs (LeCun et al. 1998, appendix C): the mean
    /// over the first <see cref="TrainingRecipe.CurvatureSamples"/> images of this epoch's order of the Gauss-Newton second
    /// derivatives that <see cref="INetwork.BackwardCurvature"/> propagates from the loss. Runs on the calling thread,
    /// so it is deterministic.
    /// </summary>
    private void EstimateCurvature(MnistDataset data, Span<float> curvature)
    {
        curvature.Clear();
        int samples = Math.Min(Recipe.CurvatureSamples, data.Count);
        if (samples == 0) return;
        Scratch scratch = _scratch[0];
        NetworkDescription network = TNetwork.Description;
        int inputSize = network.InputSize, classes = network.ClassCount;
        Span<float> input = scratch.Input.AsSpan(0, inputSize);
        Span<float> activations = scratch.Activations.AsSpan(0, network.ActivationSize);
        Span<float> logits = scratch.Logits.AsSpan(0, classes);
        Span<float> logitsCurvature = scratch.LogitsGradient.AsSpan(0, classes);
        for (int s = 0; s < samples; s++)
        {
            LoadImage(data, _order[s], input);
            TNetwork.ForwardTrain(Parameters, input, activations, logits, 1);
            Losses.LogitsCurvature<TNetwork>(logits, logitsCurvature);
            TNetwork.BackwardCurvature(Parameters, input, activations, logitsCurvature, curvature, scratch.Workspace, 1);
        }
        float inverse = 1f / samples;
        for (int k = 0; k < curvature.Length; k++) curvature[k] *= inverse;
    }

    private static void Add(Span<float> total, ReadOnlySpan<float> addend)
    {
        Span<Vector<float>> t = MemoryMarshal.Cast<float, Vector<float>>(total);
        ReadOnlySpan<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(addend);
        for (int k = 0; k < t.Length; k++) t[k] += a[k];
        for (int i = t.Length * Vector<float>.Count; i < total.Length; i++) total[i] += addend[i];
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool.Dispose();

    private sealed class Scratch(int images)
    {
        public readonly float[] Input = new float[images * TNetwork.Description.InputSize];
        public readonly float[] Activations = new float[images * TNetwork.Description.ActivationSize];
        public readonly float[] Logits = new float[images * TNetwork.Description.ClassCount];
        public readonly float[] LogitsGradient = new float[images * TNetwork.Description.ClassCount];
        public readonly float[] Workspace = new float[Math.Max(1, images * TNetwork.Description.WorkspaceSize)];
        public readonly byte[] Labels = new byte[images];
    }
}
