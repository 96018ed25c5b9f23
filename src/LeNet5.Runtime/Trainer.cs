using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LeNet5.Runtime;

/// <summary>
/// Trains a generated network with mini-batches, data-parallel over threads and bit-identical for any thread count:
/// each batch is cut into fixed shards (<see cref="TrainingOptions.ShardSize"/>), every shard runs
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

    /// <summary>Creates a trainer with the architecture's own recipe (<c>TNetwork.Training</c>) and the default execution settings.</summary>
    /// <param name="initialParameters">Parameters to start from (copied), or empty to initialise from the recipe's seed.</param>
    public Trainer(ReadOnlySpan<float> initialParameters = default)
        : this(new TrainingOptions(TNetwork.Training), initialParameters)
    {
    }

    /// <summary>Creates a trainer; the parameters are initialised from the seed unless given.</summary>
    /// <param name="options">The recipe and execution settings.</param>
    /// <param name="initialParameters">Parameters to start from (copied), or null to initialise from <see cref="TrainingOptions.Seed"/>.</param>
    public Trainer(TrainingOptions options, ReadOnlySpan<float> initialParameters = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Parameters = new float[TNetwork.ParameterCount];
        if (initialParameters.IsEmpty)
        {
            TNetwork.InitializeParameters(Parameters, new Random(options.Seed));
        }
        else
        {
            if (initialParameters.Length != TNetwork.ParameterCount)
                throw new ArgumentException($"{TNetwork.Name} has {TNetwork.ParameterCount} parameters, not {initialParameters.Length}", nameof(initialParameters));
            initialParameters.CopyTo(Parameters);
        }
        Divergence = new DivergenceMonitor(options, TNetwork.ClassCount, startedFromParameters: !initialParameters.IsEmpty);
        Optimizer = Optimizers.Create(options.Optimizer, TNetwork.ParameterCount, options.LearningRate, options.Momentum, options.WeightDecay, options.Damping);

        // long: a batch size near int.MaxValue (the whole set in one step) must not overflow.
        int maxShards = (int)Math.Min(options.MaxShards, ((long)options.BatchSize + options.ShardSize - 1) / options.ShardSize);
        long shardFloats = (long)options.ShardSize * Math.Max(TNetwork.ActivationSize, Math.Max(TNetwork.InputSize, TNetwork.WorkspaceSize));
        if (shardFloats > Array.MaxLength)
            throw new LeNet5Exception($"shard size {options.ShardSize} needs {shardFloats} floats of scratch per thread for {TNetwork.Name}, more than an array can hold");
        _pool = new WorkerPool(Math.Min(options.Threads, maxShards));
        _scratch = new Scratch[_pool.ThreadCount];
        for (int i = 0; i < _scratch.Length; i++) _scratch[i] = new Scratch(options.ShardSize);
        _shardGradients = new float[maxShards][];
        for (int i = 0; i < maxShards; i++) _shardGradients[i] = new float[TNetwork.ParameterCount];
        _shardLoss = new double[maxShards];
    }

    /// <summary>The options the trainer was created with.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The parameters being trained, in the layout of <see cref="INetwork.ParameterTensors"/>.</summary>
    public float[] Parameters { get; }

    /// <summary>The optimizer (its state persists across epochs).</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Watches the run's losses for divergence; give it each evaluation too (<see cref="DivergenceMonitor.ObserveEvaluation"/>).</summary>
    public DivergenceMonitor Divergence { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    public int Steps => Optimizer.StepCount;

    /// <summary>
    /// The learning rate of epoch <paramref name="epoch"/> (0-based): the schedule's entry (its last for later epochs)
    /// if there is a schedule, otherwise the base rate decayed once per epoch.
    /// </summary>
    public float LearningRateAt(int epoch) => Options.LearningRateSchedule.Count > 0
        ? Options.LearningRateSchedule[Math.Min(epoch, Options.LearningRateSchedule.Count - 1)]
        : (float)(Options.LearningRate * Math.Pow(Options.LearningRateDecay, epoch));

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
        ArgumentNullException.ThrowIfNull(data);
        data.CheckImageSize(TNetwork.Name, TNetwork.InputChannels, TNetwork.InputHeight, TNetwork.InputWidth);
        if (_order.Length != data.Count) _order = new int[data.Count];
        DataOrder.Shuffle(_order, Options.Seed, epoch);
        Optimizer.LearningRate = LearningRateAt(epoch);
        Divergence.LearningRate = Optimizer.LearningRate;
        _epoch = epoch;

        long started = Stopwatch.GetTimestamp();
        if (Optimizer is SdlmOptimizer sdlm) EstimateCurvature(data, sdlm.Curvature);
        double lossSum = 0;
        int steps = 0;
        _data = data;
        try
        {
            for (int start = 0; start < data.Count; start += Options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int size = Math.Min(Options.BatchSize, data.Count - start);
                double batchLoss = Step(start, size);
                int done = start + size;
                Divergence.ObserveStep(epoch, steps + 1, size, batchLoss / size, (lossSum + batchLoss) / done);
                lossSum += batchLoss;
                steps++;
                if (progress is not null)
                {
                    TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
                    progress(new TrainingProgress(epoch, done, data.Count, lossSum / done, done / Math.Max(elapsed.TotalSeconds, 1e-9), elapsed));
                }
            }
        }
        finally
        {
            _data = null;
        }
        double meanLoss = data.Count == 0 ? 0 : lossSum / data.Count;
        if (data.Count > 0) Divergence.ObserveEpoch(epoch, meanLoss);
        return new EpochResult(epoch, data.Count, steps, meanLoss, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One optimizer step on the images at <c>order[start .. start + size]</c>; returns the summed loss.</summary>
    private double Step(int start, int size)
    {
        _batchStart = start;
        _batchSize = size;
        _shardCount = Math.Min(_shardGradients.Length, (size + Options.ShardSize - 1) / Options.ShardSize);
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
        int inputSize = TNetwork.InputSize, classes = TNetwork.ClassCount;
        double loss = 0;
        for (int piece = first; piece < end; piece += Options.ShardSize)
        {
            int n = Math.Min(Options.ShardSize, end - piece);
            for (int j = 0; j < n; j++)
            {
                int index = _order[_batchStart + piece + j];
                LoadImage(data, index, scratch.Input.AsSpan(j * inputSize, inputSize));
                scratch.Labels[j] = data.Labels[index];
            }
            ReadOnlySpan<float> input = scratch.Input.AsSpan(0, n * inputSize);
            Span<float> logits = scratch.Logits.AsSpan(0, n * classes);
            Span<float> logitsGradient = scratch.LogitsGradient.AsSpan(0, n * classes);
            Span<float> activations = scratch.Activations.AsSpan(0, n * TNetwork.ActivationSize);
            // Dropout masks hash the image's index in the whole batch, so they do not depend on the shards.
            if (TNetwork.UsesTrainingNoise)
                TNetwork.ForwardTrainWithNoise(Parameters, input, activations, logits, n, new TrainingNoise(Options.Seed, Optimizer.StepCount, piece));
            else
                TNetwork.ForwardTrain(Parameters, input, activations, logits, n);
            loss += Losses.SumLoss<TNetwork>(logits, scratch.Labels.AsSpan(0, n), logitsGradient, scale);
            TNetwork.Backward(Parameters, input, activations, logitsGradient, gradient, Span<float>.Empty, scratch.Workspace.AsSpan(0, n * TNetwork.WorkspaceSize), n);
        }
        _shardLoss[shard] = loss;
    }

    /// <summary>Training image <paramref name="index"/> as the network sees it this epoch: distorted if the recipe says so.</summary>
    private void LoadImage(MnistDataset data, int index, Span<float> destination)
    {
        if (Options.Distort)
            AffineDistortion.Apply(data.Image(index), destination, data.Height, data.Width, TNetwork.InputScaling.Background, Options.Seed, _epoch, index);
        else
            data.Image(index).CopyTo(destination);
    }

    /// <summary>
    /// The Hessian-diagonal estimate of <see cref="SdlmOptimizer"/> (LeCun et al. 1998, appendix C): the mean over the
    /// first <see cref="TrainingOptions.CurvatureSamples"/> images of this epoch's order of the Gauss-Newton second
    /// derivatives that <see cref="INetwork.BackwardCurvature"/> propagates from the loss. Runs on the calling thread,
    /// so it is deterministic.
    /// </summary>
    private void EstimateCurvature(MnistDataset data, Span<float> curvature)
    {
        curvature.Clear();
        int samples = Math.Min(Options.CurvatureSamples, data.Count);
        if (samples == 0) return;
        Scratch scratch = _scratch[0];
        int inputSize = TNetwork.InputSize, classes = TNetwork.ClassCount;
        Span<float> input = scratch.Input.AsSpan(0, inputSize);
        Span<float> activations = scratch.Activations.AsSpan(0, TNetwork.ActivationSize);
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
        public readonly float[] Input = new float[images * TNetwork.InputSize];
        public readonly float[] Activations = new float[images * TNetwork.ActivationSize];
        public readonly float[] Logits = new float[images * TNetwork.ClassCount];
        public readonly float[] LogitsGradient = new float[images * TNetwork.ClassCount];
        public readonly float[] Workspace = new float[Math.Max(1, images * TNetwork.WorkspaceSize)];
        public readonly byte[] Labels = new byte[images];
    }
}
