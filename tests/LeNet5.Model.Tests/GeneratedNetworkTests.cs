using LeNet5.Runtime;
using LeNet5.Runtime.Loss;

namespace LeNet5.Model.Tests;

/// <summary>
/// The same checks for every generated network: forward against the double-precision reference, parameter and input
/// gradients against central finite differences of the reference loss, and the Backward contract.
/// </summary>
public abstract class GeneratedNetworkTests<TNetwork> where TNetwork : struct, INetwork
{
    private const int Batch = 3;

    protected abstract string ArchitectureFile { get; }

    /// <summary>How many parameters per tensor the gradient check samples (all of them when the tensor is smaller).</summary>
    protected virtual int ParametersCheckedPerTensor => int.MaxValue;

    private NetworkCheck<TNetwork> NewCheck() => new(ArchitectureFile);

    [Fact]
    public void Parameter_tensors_match_the_architecture_file()
    {
        var check = NewCheck();
        var expected = check.Reference.Tensors().Select(t => $"{t.Name}@{t.Offset}[{string.Join(",", t.Shape)}]").ToArray();
        var actual = TNetwork.Description.ParameterTensors.Select(t => $"{t.Name}@{t.Offset}[{string.Join(",", t.Shape)}]").ToArray();
        Assert.Equal(expected, actual);
        Assert.Equal(check.Reference.ParameterCount, TNetwork.Description.ParameterCount);
        Assert.Equal(check.Reference.InputSize, TNetwork.Description.InputSize);
        Assert.Equal(check.Reference.ClassCount, TNetwork.Description.ClassCount);
    }

    [Fact]
    public void Initialisation_is_uniform_within_the_declared_bounds_and_seeded()
    {
        var check = NewCheck();
        var first = new float[TNetwork.Description.ParameterCount];
        var second = new float[TNetwork.Description.ParameterCount];
        var other = new float[TNetwork.Description.ParameterCount];
        TNetwork.InitializeParameters(first, new Random(3));
        TNetwork.InitializeParameters(second, new Random(3));
        TNetwork.InitializeParameters(other, new Random(4));
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        IReadOnlyList<double> bounds = check.Reference.InitializationBounds;
        Assert.Equal(TNetwork.Description.ParameterCount, bounds.Count);
        for (int i = 0; i < first.Length; i++)
        {
            // PyTorch: U(-1/sqrt(fan_in), 1/sqrt(fan_in)); LeCun et al. 1998: U(-2.4/fan_in, 2.4/fan_in).
            Assert.InRange(first[i], -bounds[i] * 1.000001, bounds[i] * 1.000001);
        }
        foreach (ParameterTensor tensor in TNetwork.Description.ParameterTensors)
        {
            if (tensor.Length >= 8)
            {
                // Uniform draws spread over the interval: the largest magnitude is near the bound.
                double bound = Enumerable.Range(tensor.Offset, tensor.Length).Max(i => bounds[i]);
                Assert.True(first.AsSpan(tensor.Offset, tensor.Length).ToArray().Max(MathF.Abs) > bound * 0.5, $"{tensor.Name} is not spread over its bound");
            }
        }
    }

    [Fact]
    public void Inference_forward_matches_the_reference()
    {
        var check = NewCheck();
        float[] images = check.RandomImages(Batch);
        double[] expected = check.ReferenceLogits(images, Batch);
        AssertClose(expected, check.Infer(images, Batch), "Infer logits");
        AssertClose(expected, check.ForwardTrain(images, Batch).Logits, "ForwardTrain logits");
    }

    [Fact]
    public void Parameter_gradients_match_finite_differences()
    {
        var check = NewCheck();
        float[] images = check.RandomImages(Batch);
        int[] labels = check.RandomLabels(Batch);
        float[] gradients = check.Gradients(images, labels).Parameters;
        var random = new Random(1);
        foreach (ParameterTensor tensor in TNetwork.Description.ParameterTensors)
        {
            IEnumerable<int> indices = tensor.Length <= ParametersCheckedPerTensor
                ? Enumerable.Range(tensor.Offset, tensor.Length)
                : Enumerable.Range(0, ParametersCheckedPerTensor).Select(_ => tensor.Offset + random.Next(tensor.Length));
            foreach (int index in indices)
            {
                double expected = check.ParameterFiniteDifference(images, labels, index);
                AssertGradient(expected, gradients[index], $"{tensor.Name}[{index - tensor.Offset}]");
            }
        }
    }

    [Fact]
    public void Input_gradient_matches_finite_differences()
    {
        var check = NewCheck();
        float[] images = check.RandomImages(Batch);
        int[] labels = check.RandomLabels(Batch);
        float[] gradient = check.Gradients(images, labels).Input;
        var random = new Random(2);
        int samples = Math.Min(images.Length, 200);
        for (int s = 0; s < samples; s++)
        {
            int index = samples == images.Length ? s : random.Next(images.Length);
            AssertGradient(check.InputFiniteDifference(images, labels, index), gradient[index], $"input[{index}]");
        }
    }

    [Fact]
    public void Backward_adds_to_the_gradient_buffer_and_splits_over_batches()
    {
        var check = NewCheck();
        float[] images = check.RandomImages(4);
        int[] labels = check.RandomLabels(4);
        int classes = TNetwork.Description.ClassCount;
        int size = TNetwork.Description.InputSize;

        // Whole batch at once.
        (float[] logits, float[] activations) = check.ForwardTrain(images, 4);
        float[] logitsGradient = NetworkCheck<TNetwork>.LogitsGradient(logits, labels, check.Reference);
        var whole = new float[TNetwork.Description.ParameterCount];
        var workspace = new float[4 * TNetwork.Description.WorkspaceSize];
        TNetwork.Backward(check.Parameters, images, activations, logitsGradient, whole, Span<float>.Empty, workspace, 4);

        // Two halves accumulated into one buffer, as the trainer's shards do.
        var halves = new float[TNetwork.Description.ParameterCount];
        for (int half = 0; half < 2; half++)
        {
            float[] part = images.AsSpan(half * 2 * size, 2 * size).ToArray();
            (float[] _, float[] partActivations) = check.ForwardTrain(part, 2);
            TNetwork.Backward(check.Parameters, part, partActivations, logitsGradient.AsSpan(half * 2 * classes, 2 * classes), halves, Span<float>.Empty, workspace, 2);
        }
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.True(Math.Abs(whole[i] - halves[i]) <= 1e-5f + 1e-4f * Math.Abs(whole[i]), $"parameter {i}: whole batch {whole[i]}, two halves {halves[i]}");
        }
    }

    [Fact]
    public void Curvature_matches_the_reference()
    {
        var check = NewCheck();
        float[] images = check.RandomImages(Batch);
        // A power of two already in the buffer: BackwardCurvature adds to it, and C + x - C loses almost nothing.
        const float prefill = 1f / 256;
        var curvature = new float[TNetwork.Description.ParameterCount];
        Array.Fill(curvature, prefill);
        check.AddCurvature(images, Batch, curvature);
        double[] expected = check.ReferenceCurvature(images, Batch);
        foreach (ParameterTensor tensor in TNetwork.Description.ParameterTensors)
        {
            double largest = Enumerable.Range(tensor.Offset, tensor.Length).Max(i => expected[i]);
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                AssertCurvature(expected[i], curvature[i] - (double)prefill, largest, prefill, $"{tensor.Name}[{i - tensor.Offset}]");
            }
        }
    }

    [Fact]
    public void Curvature_is_non_negative_adds_up_and_splits_over_batches()
    {
        var check = NewCheck();
        float[] images = check.RandomImages(4);
        int size = TNetwork.Description.InputSize;
        var whole = new float[TNetwork.Description.ParameterCount];
        check.AddCurvature(images, 4, whole);
        var halves = new float[TNetwork.Description.ParameterCount];
        check.AddCurvature(images.AsSpan(0, 2 * size).ToArray(), 2, halves);
        check.AddCurvature(images.AsSpan(2 * size, 2 * size).ToArray(), 2, halves);
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.True(whole[i] >= 0 && float.IsFinite(whole[i]), $"curvature of parameter {i} is {whole[i]}");
            Assert.True(Math.Abs(whole[i] - halves[i]) <= 1e-7f + 1e-4f * whole[i], $"parameter {i}: whole batch {whole[i]}, two halves {halves[i]}");
        }
        // The last layer's biases receive p (1 - p) of every image, never all zero.
        ParameterTensor lastBias = TNetwork.Description.ParameterTensors[^1];
        Assert.True(whole.AsSpan(lastBias.Offset, lastBias.Length).ToArray().Sum() > 0, $"{lastBias.Name} received no curvature");
    }

    [Fact]
    public void Curvature_rejects_spans_that_are_too_short()
    {
        var check = NewCheck();
        const int batch = 2;
        float[] images = check.RandomImages(batch);
        (float[] logits, float[] activations) = check.ForwardTrain(images, batch);
        var logitsCurvature = new float[logits.Length];
        Losses.LogitsCurvature<TNetwork>(logits, logitsCurvature);
        float[] parameters = check.Parameters;
        var curvature = new float[TNetwork.Description.ParameterCount];
        var workspace = new float[TNetwork.Description.WorkspaceSize];

        void Run(ReadOnlySpan<float> p, ReadOnlySpan<float> x, ReadOnlySpan<float> a, ReadOnlySpan<float> h, Span<float> c, Span<float> w, int n)
            => TNetwork.BackwardCurvature(p, x, a, h, c, w, n);

        // The full spans are accepted.
        Run(parameters, images, activations, logitsCurvature, curvature, workspace, batch);

        AssertRejected("parameters", () => Run(parameters.AsSpan(1), images, activations, logitsCurvature, curvature, workspace, batch));
        AssertRejected("input", () => Run(parameters, images.AsSpan(1), activations, logitsCurvature, curvature, workspace, batch));
        AssertRejected("activations", () => Run(parameters, images, activations.AsSpan(1), logitsCurvature, curvature, workspace, batch));
        AssertRejected("logitsCurvature", () => Run(parameters, images, activations, logitsCurvature.AsSpan(1), curvature, workspace, batch));
        AssertRejected("parameterCurvature", () => Run(parameters, images, activations, logitsCurvature, curvature.AsSpan(1), workspace, batch));
        if (TNetwork.Description.WorkspaceSize > 0)
        {
            AssertRejected("workspace", () => Run(parameters, images, activations, logitsCurvature, curvature, workspace.AsSpan(1), batch));
        }
        var negative = Assert.ThrowsAny<ArgumentException>(() => Run(parameters, images, activations, logitsCurvature, curvature, workspace, -1));
        Assert.Equal("batch", negative.ParamName);

        static void AssertRejected(string parameter, Action call)
        {
            var exception = Assert.Throws<ArgumentException>(call);
            Assert.Equal(parameter, exception.ParamName);
        }
    }

    /// <summary>
    /// Float against double: every term of the curvature is non-negative, so there is no cancellation and a relative
    /// tolerance holds, except for terms that float cannot resolve (f'(a)^2 of a saturated unit computed from its
    /// output), bounded by a small fraction of the tensor's largest value.
    /// </summary>
    private static void AssertCurvature(double expected, double actual, double largest, float prefill, string what)
    {
        // A few float roundings of the sum held in the buffer.
        float held = prefill + (float)expected;
        double ulp = (double)MathF.BitIncrement(held) - held;
        double tolerance = 2e-4 * expected + 1e-5 * largest + 4 * ulp + 1e-12;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"curvature of {what}: reference {expected}, generated {actual} (prefill removed), tolerance {tolerance}");
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 + 1e-4 * Math.Abs(expected[i]), $"{what}[{i}]: reference {expected[i]}, generated {actual[i]}");
        }
    }

    private static void AssertGradient(double expected, float actual, string what)
    {
        Assert.True(Math.Abs(expected - actual) <= 2e-4 + 1e-2 * Math.Abs(expected), $"d loss / d {what}: finite difference {expected}, backward {actual}");
    }
}

public sealed class LeNet5NetworkTests : GeneratedNetworkTests<LeNet5Network>
{
    protected override string ArchitectureFile => "architecture.json";

    protected override int ParametersCheckedPerTensor => 24;
}

public sealed class ConvCheckNetworkTests : GeneratedNetworkTests<ConvCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/conv.architecture.json";
}

public sealed class PoolCheckNetworkTests : GeneratedNetworkTests<PoolCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/pool.architecture.json";
}

public sealed class PaperNetworkTests : GeneratedNetworkTests<PaperNetwork>
{
    protected override string ArchitectureFile => "paper.architecture.json";

    protected override int ParametersCheckedPerTensor => 12;
}

public sealed class SparseCheckNetworkTests : GeneratedNetworkTests<SparseCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/sparse.architecture.json";
}

public sealed class RbfCheckNetworkTests : GeneratedNetworkTests<RbfCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/rbf.architecture.json";
}

public sealed class WideCheckNetworkTests : GeneratedNetworkTests<WideCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/wide.architecture.json";
}

public sealed class MixedNetworkTests : GeneratedNetworkTests<MixedNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Generator.Tests/Architectures/mixed.architecture.json";
}

public sealed class TinyNetworkTests : GeneratedNetworkTests<TinyNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Generator.Tests/Architectures/tiny.architecture.json";
}

public sealed class BlockedNetworkTests : GeneratedNetworkTests<BlockedNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Generator.Tests/Architectures/blocked.architecture.json";
}

public sealed class SparseBlockedNetworkTests : GeneratedNetworkTests<SparseBlockedNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Generator.Tests/Architectures/sparseblocked.architecture.json";
}

public sealed class MlpNetworkTests : GeneratedNetworkTests<MlpNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Generator.Tests/Architectures/mlp.architecture.json";
}

public sealed class PoolFirstNetworkTests : GeneratedNetworkTests<PoolFirstNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Generator.Tests/Architectures/poolfirst.architecture.json";
}

public sealed class LinearCheckNetworkTests : GeneratedNetworkTests<LinearCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/linear.architecture.json";
}

public sealed class LinearMapCheckNetworkTests : GeneratedNetworkTests<LinearMapCheckNetwork>
{
    protected override string ArchitectureFile => "tests/LeNet5.Model.Tests/Architectures/linearmap.architecture.json";
}
