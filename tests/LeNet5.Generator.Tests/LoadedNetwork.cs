using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace LeNet5.Generator.Tests;

/// <summary>The generated network of one architecture file, compiled and loaded once per test run.</summary>
internal sealed class LoadedNetwork
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<LoadedNetwork>> Loaded = new();

    private readonly Type _probe;

    private LoadedNetwork(Type probe, Type network, NetworkModel model)
    {
        _probe = probe;
        Network = network;
        int[] sizes = (int[])Call("Sizes")!;
        (ParameterCount, InputSize, ClassCount, ActivationSize, WorkspaceSize) = (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4]);
    }

    /// <summary>The generated struct itself.</summary>
    public Type Network { get; }

    public int ParameterCount { get; }

    public int InputSize { get; }

    public int ClassCount { get; }

    public int ActivationSize { get; }

    public int WorkspaceSize { get; }

    public static LoadedNetwork Compile(string file) => Loaded.GetOrAdd(file, name => new Lazy<LoadedNetwork>(() => Load(name))).Value;

    private static LoadedNetwork Load(string file)
    {
        string json = GeneratorHarness.ReadArchitecture(file);
        NetworkModel model = ShapeInference.Infer(ArchitectureParser.Parse(file, json)).Model!;
        string probe = $$"""
            using T = {{GeneratorHarness.RootNamespace}}.{{model.TypeName}};

            public static class Probe
            {
                public static int[] Sizes() => new[] { T.ParameterCount, T.InputSize, T.ClassCount, T.ActivationSize, T.WorkspaceSize };
                public static void Initialize(float[] p, int seed) => T.InitializeParameters(p, new System.Random(seed));
                public static void Infer(float[] p, float[] x, float[] z, float[] w, int batch) => T.Infer(p, x, z, w, batch);
                public static void ForwardTrain(float[] p, float[] x, float[] a, float[] z, int batch) => T.ForwardTrain(p, x, a, z, batch);
                public static void ForwardTrainWithNoise(float[] p, float[] x, float[] a, float[] z, int batch, int seed, long step, int first)
                    => T.ForwardTrainWithNoise(p, x, a, z, batch, new LeNet5.Runtime.TrainingNoise(seed, step, first));
                public static void Backward(float[] p, float[] x, float[] a, float[] dz, float[] g, float[]? dx, float[] w, int batch)
                    => T.Backward(p, x, a, dz, g, dx is null ? System.Span<float>.Empty : dx, w, batch);
                public static float[] Train(float[] images, byte[] labels, int height, int width, int threads)
                {
                    var execution = new LeNet5.Runtime.Training.ExecutionSettings { Threads = threads, ShardSize = 4 };
                    using var trainer = new LeNet5.Runtime.Training.Trainer<T>(T.Description.Training, execution);
                    trainer.TrainEpoch(new LeNet5.Runtime.Data.MnistDataset(images, labels, height, width), 0);
                    return trainer.Parameters;
                }
            }
            """;
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { new InMemoryText("/p/" + file, json) }, probe);
        Assert.Empty(result.Diagnostics);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        Assembly assembly = new AssemblyLoadContext(file).LoadFromStream(stream);
        return new LoadedNetwork(assembly.GetType("Probe")!, assembly.GetType(GeneratorHarness.RootNamespace + "." + model.TypeName)!, model);
    }

    public float[] Initialize(int seed)
    {
        var parameters = new float[ParameterCount];
        Call("Initialize", parameters, seed);
        return parameters;
    }

    public float[] Infer(float[] parameters, float[] input, int batch)
    {
        var logits = new float[batch * ClassCount];
        Call("Infer", parameters, input, logits, new float[batch * WorkspaceSize], batch);
        return logits;
    }

    public (float[] Logits, float[] Activations) ForwardTrain(float[] parameters, float[] input, int batch)
    {
        var logits = new float[batch * ClassCount];
        var activations = new float[batch * ActivationSize];
        Call("ForwardTrain", parameters, input, activations, logits, batch);
        return (logits, activations);
    }

    /// <summary>The training pass with the noise of (seed, step), the batch's first image being image <paramref name="first"/> of the step.</summary>
    public (float[] Logits, float[] Activations) ForwardTrainWithNoise(float[] parameters, float[] input, int batch, int seed, long step, int first)
    {
        var logits = new float[batch * ClassCount];
        var activations = new float[batch * ActivationSize];
        Call("ForwardTrainWithNoise", parameters, input, activations, logits, batch, seed, step, first);
        return (logits, activations);
    }

    /// <summary>One epoch of the trainer on the given images with the architecture's recipe; the trained parameters.</summary>
    public float[] Train(float[] images, byte[] labels, int height, int width, int threads)
        => (float[])Call("Train", images, labels, height, width, threads)!;

    public void Backward(float[] parameters, float[] input, float[] activations, float[] logitsGradient, float[] parameterGradients, float[]? inputGradient, int batch)
        => Call("Backward", parameters, input, activations, logitsGradient, parameterGradients, inputGradient, new float[batch * WorkspaceSize], batch);

    private object? Call(string method, params object?[] arguments)
    {
        try
        {
            return _probe.GetMethod(method)!.Invoke(null, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }
}
