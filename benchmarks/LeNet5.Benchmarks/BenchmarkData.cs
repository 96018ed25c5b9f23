using LeNet5.Model;
using LeNet5.Runtime;

namespace LeNet5.Benchmarks;

/// <summary>Parameters, images and the scalar baseline shared by the benchmarks.</summary>
internal static class BenchmarkData
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ArchitecturePath => Path.Combine(RepositoryRoot, "architecture.json");

    public static string PaperArchitecturePath => Path.Combine(RepositoryRoot, "paper.architecture.json");

    public static float[] Parameters() => Parameters<LeNet5Network>();

    public static float[] Parameters<TNetwork>() where TNetwork : struct, INetwork
    {
        var parameters = new float[TNetwork.Description.ParameterCount];
        TNetwork.InitializeParameters(parameters, new Random(1));
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

    /// <summary>The scalar baseline for the repository's architecture, checked against the compiled <see cref="LeNet5Network"/>.</summary>
    public static ScalarNetwork Scalar() => Scalar<LeNet5Network>(ArchitecturePath);

    /// <summary>The scalar baseline for the 1998 paper's architecture, checked against the compiled <see cref="PaperNetwork"/>.</summary>
    public static ScalarNetwork PaperScalar() => Scalar<PaperNetwork>(PaperArchitecturePath);

    /// <summary>The scalar baseline for <paramref name="architecturePath"/>, checked to have <typeparamref name="TNetwork"/>'s shape and logits.</summary>
    private static ScalarNetwork Scalar<TNetwork>(string architecturePath) where TNetwork : struct, INetwork
    {
        var scalar = new ScalarNetwork(architecturePath);
        if (scalar.ParameterCount != TNetwork.Description.ParameterCount || scalar.InputSize != TNetwork.Description.InputSize || scalar.ClassCount != TNetwork.Description.ClassCount)
        {
            throw new InvalidOperationException($"{Path.GetFileName(architecturePath)} and the compiled {typeof(TNetwork).Name} differ: rebuild the benchmarks");
        }

        // The baseline must compute what the generated code computes, or the ratios mean nothing. Relative to the
        // logit's size: the paper's RBF logits are minus squared distances over 84 inputs, below -80.
        float[] parameters = Parameters<TNetwork>(), image = Images(1), logits = new float[TNetwork.Description.ClassCount];
        TNetwork.Infer(parameters, image, logits, new float[TNetwork.Description.WorkspaceSize], 1);
        float[] expected = scalar.Forward(parameters, image);
        for (int k = 0; k < logits.Length; k++)
        {
            if (MathF.Abs(expected[k] - logits[k]) > 1e-3f * MathF.Max(1, MathF.Abs(expected[k])))
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
