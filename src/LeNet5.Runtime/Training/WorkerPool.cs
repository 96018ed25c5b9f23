using System.Runtime.ExceptionServices;

namespace LeNet5.Runtime.Training;

/// <summary>Work split into numbered shards; <see cref="RunShard"/> is called once per shard.</summary>
internal interface IShardJob
{
    /// <summary>Runs shard <paramref name="shard"/> on the worker numbered <paramref name="worker"/> (0 is the calling thread).</summary>
    void RunShard(int shard, int worker);
}

/// <summary>
/// A persistent set of worker threads that run the shards of a job: the calling thread is worker 0 and takes part;
/// the others wait between jobs, so a step allocates nothing. Which worker runs which shard varies from run to run,
/// so a job must make each shard's result depend only on the shard (per-shard output buffers, per-worker scratch).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private readonly object _doneGate = new();
    private long _generation;
    private bool _disposed;
    private IShardJob? _job;
    private int _shardCount;
    private int _next;
    private int _done;
    private Exception? _error;

    public WorkerPool(int threadCount)
    {
        if (threadCount < 1) throw new LeNet5Exception($"the thread count must be at least 1, not {threadCount}");
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"lenet5 worker {worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Number of threads that run shards, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs shards 0 .. <paramref name="shardCount"/> - 1 of <paramref name="job"/> and returns when all are done.</summary>
    public void Run(IShardJob job, int shardCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (shardCount <= 0) return;
        if (_threads.Length == 0 || shardCount == 1)
        {
            for (int shard = 0; shard < shardCount; shard++) job.RunShard(shard, 0);
            return;
        }

        _job = job;
        _shardCount = shardCount;
        _done = 0;
        _error = null;
        Volatile.Write(ref _next, 0);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        Work(0);
        WaitForShards(shardCount);
        if (_error is { } error) ExceptionDispatchInfo.Capture(error).Throw();
    }

    private void Work(int worker)
    {
        while (true)
        {
            int shard = Interlocked.Increment(ref _next) - 1;
            if (shard >= Volatile.Read(ref _shardCount)) return;
            try
            {
                _job!.RunShard(shard, worker);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            if (Interlocked.Increment(ref _done) == _shardCount)
            {
                lock (_doneGate) Monitor.PulseAll(_doneGate);
            }
        }
    }

    /// <summary>Spins briefly, then blocks until every shard is done (Monitor: no allocation, unlike a first blocking ManualResetEventSlim wait).</summary>
    private void WaitForShards(int shardCount)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _done) < shardCount && !spin.NextSpinWillYield) spin.SpinOnce(sleep1Threshold: -1);
        if (Volatile.Read(ref _done) >= shardCount) return;
        lock (_doneGate)
        {
            while (Volatile.Read(ref _done) < shardCount) Monitor.Wait(_doneGate);
        }
    }

    private void Loop(int worker)
    {
        long seen = 0;
        while (true)
        {
            lock (_gate)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_gate);
                if (_disposed) return;
                seen = _generation;
            }
            Work(worker);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        foreach (Thread thread in _threads) thread.Join();
    }
}
