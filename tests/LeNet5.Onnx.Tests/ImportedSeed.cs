namespace LeNet5.Onnx.Tests;

/// <summary>
/// PyTorch's export of the seed network imported as the MNIST digits' network (its 32x32 input taken as 28x28 plus a
/// pad layer of 2), saved, and compiled by the generator: once for the tests that share it.
/// </summary>
public sealed class ImportedSeed : IDisposable
{
    private readonly TempFolder _folder = new();

    public ImportedSeed()
    {
        Network = OnnxImporter.Import(PyTorchOracle.SeedModel, new OnnxImportOptions { InputPadding = 2 });
        Network.Save(_folder.Path);
        ArchitecturePath = _folder.File(ImportedNetwork.ArchitectureFileName);
        WeightsPath = _folder.File(ImportedNetwork.WeightsFileName);
        NetworkType = GeneratedCompilation.Network(File.ReadAllText(ArchitecturePath), Network.Name);
    }

    /// <summary>What the importer read.</summary>
    public ImportedNetwork Network { get; }

    /// <summary>The architecture file it wrote.</summary>
    public string ArchitecturePath { get; }

    /// <summary>The checkpoint it wrote.</summary>
    public string WeightsPath { get; }

    /// <summary>The generated network type compiled from <see cref="ArchitecturePath"/>.</summary>
    public Type NetworkType { get; }

    public void Dispose() => _folder.Dispose();
}
