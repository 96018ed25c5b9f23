using BenchmarkDotNet.Attributes;
using LeNet5.Model;

namespace LeNet5.Benchmarks;

/// <summary>Classifying one image on one thread.</summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private readonly float[] _parameters = BenchmarkData.Parameters();
    private readonly float[] _image = BenchmarkData.Images(1);
    private readonly float[] _logits = new float[LeNet5Network.ClassCount];
    private readonly float[] _workspace = new float[LeNet5Network.WorkspaceSize];
    private readonly ScalarNetwork _scalar = BenchmarkData.Scalar();

    [Benchmark(Baseline = true, Description = "scalar, one image")]
    public float Scalar() => _scalar.Forward(_parameters, _image)[0];

    [Benchmark(Description = "generated, one image")]
    public float Generated()
    {
        LeNet5Network.Infer(_parameters, _image, _logits, _workspace, 1);
        return _logits[0];
    }
}
