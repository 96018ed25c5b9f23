using LeNet5.Runtime.Data;
using LeNet5.Runtime.Loss;

namespace LeNet5.Runtime.Training;

/// <summary>
/// Evaluates a generated network on a labelled set with the inference pass, batched and multithreaded; the result
/// is the same for any thread count (fixed chunks, losses summed in chunk order). Besides the counts it keeps, per image,
/// the predicted class, the probabilities of that class and of the true one, and the margin between their logits, in
/// arrays allocated once per evaluation.
/// </summary>
/// <typeparam name="TNetwork">The generated network.</typeparam>
public sealed class Evaluator<TNetwork> : IDisposable, IShardJob where TNetwork : struct, INetwork
{
    private readonly WorkerPool _pool;
    private readonly Scratch[] _scratch;
    private readonly int _chunkSize;

    private ReadOnlyMemory<float> _parameters;
    private MnistDataset? _data;
    private double[] _chunkLoss = [];
    private byte[] _predictions = [];
    private float[] _confidences = [];
    private float[] _trueClassProbabilities = [];
    private float[] _margins = [];

    /// <summary>Creates an evaluator.</summary>
    /// <param name="threads">Threads to use, the caller included.</param>
    /// <param name="chunkSize">Images per inference call.</param>
    public Evaluator(int threads = 0, int chunkSize = 64)
    {
        if (threads <= 0) threads = Environment.ProcessorCount;
        if (chunkSize < 1) throw new LeNet5Exception($"chunk size must be at least 1, not {chunkSize}");
        _chunkSize = chunkSize;
        _pool = new WorkerPool(threads);
        _scratch = new Scratch[threads];
        for (int i = 0; i < threads; i++) _scratch[i] = new Scratch(chunkSize);
    }

    /// <summary>Classifies every image of <paramref name="data"/> and compares with its label.</summary>
    public EvaluationResult Evaluate(ReadOnlyMemory<float> parameters, MnistDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        NetworkDescription network = TNetwork.Description;
        if (parameters.Length != network.ParameterCount)
            throw new ArgumentException($"{network.Name} has {network.ParameterCount} parameters, not {parameters.Length}", nameof(parameters));
        data.CheckImageSize(network.Name, network.Input.Channels, network.Input.Height, network.Input.Width);
        int chunks = (data.Count + _chunkSize - 1) / _chunkSize;
        _parameters = parameters;
        _data = data;
        _chunkLoss = new double[chunks];
        _predictions = new byte[data.Count];
        _confidences = new float[data.Count];
        _trueClassProbabilities = new float[data.Count];
        _margins = new float[data.Count];
        try
        {
            _pool.Run(this, chunks);
        }
        finally
        {
            _data = null;
            _parameters = default;
        }

        int classes = network.ClassCount;
        var confusion = new int[classes * classes];
        for (int i = 0; i < data.Count; i++) confusion[data.Labels[i] * classes + _predictions[i]]++;
        double loss = 0;
        foreach (double chunkLoss in _chunkLoss) loss += chunkLoss;
        return new EvaluationResult(classes, confusion, data.Count == 0 ? 0 : loss / data.Count, _predictions, data.Labels, _confidences, _trueClassProbabilities, _margins);
    }

    void IShardJob.RunShard(int shard, int worker)
    {
        Scratch scratch = _scratch[worker];
        MnistDataset data = _data!;
        int first = shard * _chunkSize;
        int n = Math.Min(_chunkSize, data.Count - first);
        NetworkDescription network = TNetwork.Description;
        int classes = network.ClassCount;
        ReadOnlySpan<float> input = data.Images.AsSpan(first * network.InputSize, n * network.InputSize);
        Span<float> logits = scratch.Logits.AsSpan(0, n * classes);
        TNetwork.Infer(_parameters.Span, input, logits, scratch.Workspace.AsSpan(0, n * network.WorkspaceSize), n);
        ReadOnlySpan<byte> labels = data.Labels.AsSpan(first, n);
        _chunkLoss[shard] = Losses.SumLoss<TNetwork>(logits, labels, Span<float>.Empty, 0f);
        Span<float> probabilities = scratch.Probabilities;
        for (int j = 0; j < n; j++)
        {
            ReadOnlySpan<float> row = logits.Slice(j * classes, classes);
            int predicted = ClassProbabilities.Compute(row, probabilities);
            _predictions[first + j] = (byte)predicted;
            _confidences[first + j] = probabilities[predicted];
            _trueClassProbabilities[first + j] = probabilities[labels[j]];
            _margins[first + j] = row[predicted] - row[labels[j]];
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool.Dispose();

    private sealed class Scratch(int images)
    {
        public readonly float[] Logits = new float[images * TNetwork.Description.ClassCount];
        public readonly float[] Workspace = new float[Math.Max(1, images * TNetwork.Description.WorkspaceSize)];
        public readonly float[] Probabilities = new float[TNetwork.Description.ClassCount];
    }
}
