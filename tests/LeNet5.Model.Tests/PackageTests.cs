using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Model.Tests;

/// <summary>
/// The packages as a consumer sees them: the sample in samples/DigitClassifierSample restored by version from a
/// folder feed, and a new project that adds LeNet5.Generator with its own architecture.json.
/// </summary>
public sealed class PackageTests(LocalPackageFeed feed) : IClassFixture<LocalPackageFeed>
{
    [Fact]
    public void Sample_restores_the_model_package_by_version_and_classifies_mnist_and_png_files()
    {
        string sample = Path.Combine(feed.Root, "sample");
        CopyFolder(Path.Combine(RepositoryPaths.Root, "samples", "DigitClassifierSample"), sample);
        feed.WriteNuGetConfig(sample); // the same package versions, from this run's feed
        LocalPackageFeed.Run(sample, "build", "-c", "Release", "--packages", feed.Packages, "-o", Path.Combine(sample, "out"));
        Assert.True(File.Exists(Path.Combine(feed.Packages, "lenet5.model", "1.0.0", "lenet5.model.1.0.0.nupkg")));
        Assert.False(File.Exists(Path.Combine(sample, "out", "LeNet5.Generator.dll")));

        string[] pngs = Directory.GetFiles(Path.Combine(sample, "digits"), "*.png").Order(StringComparer.Ordinal).ToArray();
        string output = LocalPackageFeed.Run(sample, [Path.Combine(sample, "out", "DigitClassifierSample.dll"), "--mnist", MnistTestSet.Folder, .. pngs]);

        Assert.Equal(10, pngs.Length);
        foreach (string png in pngs)
        {
            string digit = Path.GetFileNameWithoutExtension(png)[^1..];
            Assert.Contains($"{Path.GetFileName(png)}: digit {digit} (", output);
        }
        Assert.Contains("test[0]: digit 7", output);
        Assert.Matches(@"MNIST test set: \d+ of 10000 correct, accuracy (99|100)\.\d\d ?%", output);
        Assert.Contains("first answer", output);
    }

    [Fact]
    public void Generator_package_compiles_a_consumer_architecture_and_embeds_its_weights()
    {
        string project = WriteConsumer("consumer", outputWeight: [3, 18]);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using Consumer;
            var parameters = new float[TinyNetwork.ParameterCount];
            TinyNetwork.InitializeParameters(parameters, new Random(1));
            var input = new float[TinyNetwork.InputSize];
            for (int i = 0; i < input.Length; i++) input[i] = i / 64f;
            var logits = new float[TinyNetwork.ClassCount];
            TinyNetwork.Infer(parameters, input, logits, new float[TinyNetwork.WorkspaceSize], 1);
            Console.WriteLine($"{TinyNetwork.Description.Name}: {TinyNetwork.ParameterCount} parameters, {TinyNetwork.Description.Layers.Count} layers, {logits.Length} logits, finite {logits.All(float.IsFinite)}");
            Console.WriteLine($"{SecondNetwork.Description.Name}: {SecondNetwork.ParameterCount} parameters");
            TinyPrediction prediction = TinyClassifier.Embedded.Classify(new byte[TinyNetwork.InputSize]);
            Console.WriteLine($"embedded: in place {TinyClassifier.Embedded.ParametersAreInPlace}, first {TinyClassifier.Embedded.Parameters[0]}, class {prediction.ClassName}");
            """);

        LocalPackageFeed.Run(project, "build", "-c", "Release", "--packages", feed.Packages, "-o", Path.Combine(project, "out"));
        string output = LocalPackageFeed.Run(project, Path.Combine(project, "out", "Consumer.dll"));

        // conv 2*1*3*3 + 2 = 20, out 3 * (2*3*3) + 3 = 57.
        Assert.Contains("Tiny: 77 parameters, 3 layers, 3 logits, finite True", output);
        Assert.Contains("Second: 34 parameters", output);
        // The weights are all 0.5, so every class scores alike and the first one, "circle", wins.
        Assert.Contains("embedded: in place True, first 0.5, class circle", output);
        Assert.True(File.Exists(Path.Combine(project, "out", "LeNet5.Runtime.dll")), "LeNet5.Runtime comes with the generator package");
    }

    [Fact]
    public void Embedded_weights_that_do_not_fit_fail_the_build_naming_the_tensor()
    {
        string project = WriteConsumer("misfit", outputWeight: [3, 17]);
        File.WriteAllText(Path.Combine(project, "Program.cs"), "System.Console.WriteLine(Consumer.TinyClassifier.Embedded.Parameters.Length);");

        string output = LocalPackageFeed.RunExpectingFailure(project, "build", "-c", "Release", "--packages", feed.Packages);

        Assert.Contains(
            $"{Path.Combine(project, "tiny.safetensors")}(1,1): error LN0034: Tensor 'out.weight' has shape [3, 17] but TinyNetwork expects [3, 18]",
            output);
        Assert.DoesNotContain("error CS", output);
    }

    [Fact]
    public void Native_aot_publishes_for_x64_target_avx2_unless_the_project_chooses()
    {
        // LeNet5.Runtime's buildTransitive targets, reached here through the generator package's dependency: without
        // them ILC compiles for the x64 baseline and the network's 256-bit code folds away.
        // Evaluated only: the packages' imports come with a plain restore, and no runtime pack is needed.
        string project = WriteConsumer("aot", outputWeight: [3, 18]);
        LocalPackageFeed.Run(project, "restore", "--packages", feed.Packages);
        string InstructionSet(string runtime, params string[] properties) => LocalPackageFeed.Run(project,
            ["msbuild", "-getProperty:IlcInstructionSet", "-p:PublishAot=true", "-p:RuntimeIdentifier=" + runtime, .. properties]).Trim();

        Assert.Equal("x86-64-v3", InstructionSet("linux-x64"));
        Assert.Equal("x86-64-v3", InstructionSet("win-x64"));
        Assert.Equal("x86-64", InstructionSet("linux-x64", "-p:IlcInstructionSet=x86-64"));
        Assert.Equal("", InstructionSet("linux-x64", "-p:LeNet5IlcInstructionSet=false"));
        Assert.Equal("", InstructionSet("linux-arm64")); // AdvSimd is in the arm64 baseline
    }

    /// <summary>
    /// A console project with the generator package, two architecture files, and a LeNet5Weights checkpoint for Tiny whose
    /// <c>out.weight</c> has the given shape (every value 0.5); the checkpoint's metadata names Tiny, which picks it.
    /// </summary>
    private string WriteConsumer(string name, int[] outputWeight)
    {
        string project = Path.Combine(feed.Root, name);
        Directory.CreateDirectory(project);
        feed.WriteNuGetConfig(project);
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RootNamespace>Consumer</RootNamespace>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LeNet5.Generator" Version="1.0.0" />
                <LeNet5Weights Include="tiny.safetensors" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "architecture.json"), """
            {
              "name": "Tiny",
              "input": { "channels": 1, "height": 8, "width": 8 },
              "classes": 3,
              "classNames": ["circle", "square", "triangle"],
              "layers": [
                { "name": "conv", "kind": "conv2d", "filters": 2, "kernel": 3, "activation": "relu" },
                { "name": "pool", "kind": "maxpool2d", "size": 2 },
                { "name": "out", "kind": "dense", "units": 3 }
              ]
            }
            """);
        Directory.CreateDirectory(Path.Combine(project, "nets"));
        File.WriteAllText(Path.Combine(project, "nets", "second.architecture.json"), """
            { "name": "Second", "input": { "channels": 1, "height": 4, "width": 4 }, "classes": 2, "layers": [ { "name": "out", "kind": "dense", "units": 2 } ] }
            """);

        int outputLength = outputWeight[0] * outputWeight[1];
        ParameterTensor[] tensors =
        [
            new("conv.weight", 0, [2, 1, 3, 3]),
            new("conv.bias", 18, [2]),
            new("out.weight", 20, outputWeight),
            new("out.bias", 20 + outputLength, [3]),
        ];
        float[] values = Enumerable.Repeat(0.5f, 23 + outputLength).ToArray();
        SafeTensors.Save(Path.Combine(project, "tiny.safetensors"), tensors, values, new Dictionary<string, string> { [Checkpoint.ArchitectureKey] = "Tiny" });
        return project;
    }

    private static void CopyFolder(string source, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            string target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
