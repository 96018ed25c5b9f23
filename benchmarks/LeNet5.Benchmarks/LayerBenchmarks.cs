using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LeNet5.Model;

namespace LeNet5.Benchmarks;

/// <summary>
/// Every layer's forward and backward pass for one image, generated against scalar. The generated per-layer methods
/// are private (the network's public surface is whole passes), so they are found by name (<c>C1Forward</c>, ...) and
/// called through function pointers, which costs nothing measurable next to a layer. Every argument is passed as a
/// native integer: pointers and 32-bit counts travel in the same registers and 8-byte stack slots on x64 and arm64.
/// </summary>
[MemoryDiagnoser]
public unsafe class LayerBenchmarks
{
    private ScalarNetwork _scalar = null!;
    private ScalarLayer _layer = null!;
    private float[] _zeroOutput = null!, _parameters = null!, _gradients = null!, _input = null!, _output = null!, _outputGradient = null!, _inputGradient = null!;
    private nint _forward, _backward;
    private nint[] _forwardArguments = null!, _backwardArguments = null!;
    private readonly List<nint> _native = [];

    public static IEnumerable<string> LayerNames() => BenchmarkData.Scalar().Layers.Select(l => l.Name);

    [ParamsSource(nameof(LayerNames))]
    public string Layer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _scalar = BenchmarkData.Scalar();
        _layer = _scalar.Layers.Single(l => l.Name == Layer);
        _parameters = BenchmarkData.Parameters();
        _gradients = new float[_parameters.Length];
        var random = new Random(4);
        _input = [.. Enumerable.Range(0, _layer.InputSize).Select(_ => (float)random.NextDouble() - 0.5f)];
        _output = new float[_layer.OutputSize];
        _outputGradient = [.. Enumerable.Range(0, _layer.OutputSize).Select(_ => (float)random.NextDouble() - 0.5f)];
        _inputGradient = new float[_layer.InputSize];
        _layer.Forward(_parameters, _input, _output);

        string prefix = char.ToUpperInvariant(Layer[0]) + Layer[1..];
        (_forward, _forwardArguments) = Bind(prefix + "Forward", _output);
        // Backward multiplies the output gradient in place by the activation's derivative, taken from the output; an
        // all-zero output keeps that factor at 1 or 0, so repeated runs never decay into denormals.
        _zeroOutput = new float[_layer.OutputSize];
        (_backward, _backwardArguments) = Bind(prefix + "Backward", _zeroOutput);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (nint block in _native) NativeMemory.AlignedFree((void*)block);
        _native.Clear();
    }

    [Benchmark(Baseline = true, Description = "scalar forward")]
    public void ScalarForward() => _layer.Forward(_parameters, _input, _output);

    [Benchmark(Description = "generated forward")]
    public void GeneratedForward() => Call(_forward, _forwardArguments);

    [Benchmark(Description = "scalar backward")]
    public void ScalarBackward() => _layer.Backward(_parameters, _gradients, _input, _zeroOutput, _outputGradient, _inputGradient);

    [Benchmark(Description = "generated backward")]
    public void GeneratedBackward() => Call(_backward, _backwardArguments);

    /// <summary>Finds the generated layer method and lays out its pointer arguments by parameter name.</summary>
    private (nint, nint[]) Bind(string methodName, float[] output)
    {
        MethodInfo method = typeof(LeNet5Network).GetMethod(methodName, BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"LeNet5Network has no method {methodName}");
        nint[] arguments = method.GetParameters().Select(p => p.Name switch
        {
            "parameters" => Copy(_parameters),
            "gradients" => Copy(_gradients),
            "input" => Copy(_input),
            "output" => Copy(output),
            "outputGradient" => Copy(_outputGradient),
            "inputGradient" => Copy(_inputGradient),
            "scratch" => Copy(new float[LeNet5Network.WorkspaceSize]),
            // Layers that work on a whole batch take strides and a count: here one image.
            "inputStride" or "inputGradientStride" => _layer.InputSize,
            "outputStride" => _layer.OutputSize,
            "batch" => 1,
            var other => throw new InvalidOperationException($"{methodName} has a parameter '{other}' the benchmark does not know"),
        }).ToArray();
        return (method.MethodHandle.GetFunctionPointer(), arguments);
    }

    private nint Copy(float[] values)
    {
        var block = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, values.Length) * sizeof(float)), 64);
        values.CopyTo(new Span<float>(block, values.Length));
        _native.Add((nint)block);
        return (nint)block;
    }

    private static void Call(nint method, nint[] p)
    {
        switch (p.Length)
        {
            case 2: ((delegate*<nint, nint, void>)method)(p[0], p[1]); break;
            case 3: ((delegate*<nint, nint, nint, void>)method)(p[0], p[1], p[2]); break;
            case 4: ((delegate*<nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3]); break;
            case 5: ((delegate*<nint, nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3], p[4]); break;
            case 6: ((delegate*<nint, nint, nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3], p[4], p[5]); break;
            case 7: ((delegate*<nint, nint, nint, nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3], p[4], p[5], p[6]); break;
            case 8: ((delegate*<nint, nint, nint, nint, nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]); break;
            case 9: ((delegate*<nint, nint, nint, nint, nint, nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]); break;
            case 10: ((delegate*<nint, nint, nint, nint, nint, nint, nint, nint, nint, nint, void>)method)(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]); break;
            default: throw new NotSupportedException($"a layer method with {p.Length} arguments");
        }
    }
}
