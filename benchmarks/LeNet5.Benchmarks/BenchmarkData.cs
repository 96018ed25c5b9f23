using LeNet5.Model;
using LeNet5.Runtime;

namespace LeNet5.Benchmarks;

/// <summary>Parameters, images and the scalar baseline shared by the benchmarks.</summary>
internal static class BenchmarkData
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ArchitecturePath => Path.Combine(RepositoryRoot, "architecture.json");

    public static float[] Parameters()
    {
        var parameters = new float[LeNet5Network.ParameterCount];
        LeNet5Network.InitializeParameters(parameters, new Random(1));
        return parameters;
    }

    /// <summary>Normalised random images: the speed of the kernels does not depend on the pixel values.</summary>
    public static float[] Images(int count)
    {
        var random = new Random(2);
        var images = new float[count * LeNet5Network.InputSize];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(random.NextDouble() * 3 - 0.5);
        return images;
    }

    public static byte[] Labels(int count)
    {
        var random = new Random(3);
        return Enumerable.Range(0, count).Select(_ => (byte)random.Next(LeNet5Network.ClassCount)).ToArray();
    }

    /// <summary>The scalar baseline for the repository's architecture, checked to have the generated network's shape.</summary>
    public static ScalarNetwork Scalar()
    {
        var scalar = new ScalarNetwork(ArchitecturePath);
        if (scalar.ParameterCount != LeNet5Network.ParameterCount || scalar.InputSize != LeNet5Network.InputSize)
        {
            throw new InvalidOperationException("architecture.json and the compiled LeNet5Network differ: rebuild the benchmarks");
        }

        // The baseline must compute what the generated code computes, or the ratios mean nothing.
        float[] parameters = Parameters(), image = Images(1), logits = new float[LeNet5Network.ClassCount];
        LeNet5Network.Infer(parameters, image, logits, new float[LeNet5Network.WorkspaceSize], 1);
        float[] expected = scalar.Forward(parameters, image);
        for (int k = 0; k < logits.Length; k++)
        {
            if (MathF.Abs(expected[k] - logits[k]) > 1e-3f)
                throw new InvalidOperationException($"scalar baseline and generated network disagree on logit {k}: {expected[k]} vs {logits[k]}");
        }
        return scalar;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeNet5.Generated.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("run the benchmarks from inside the repository (LeNet5.Generated.sln not found)");
    }
}
