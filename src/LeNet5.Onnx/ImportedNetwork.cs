using System.Globalization;
using System.Text;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Onnx;

/// <summary>
/// A network read from an ONNX model (<see cref="OnnxImporter"/>): its architecture and its parameters in the layout
/// the generator gives that architecture, so that <see cref="Save"/>'s two files compile and load as they are.
/// </summary>
public sealed class ImportedNetwork
{
    /// <summary>The architecture file <see cref="Save"/> writes.</summary>
    public const string ArchitectureFileName = "architecture.json";

    /// <summary>The checkpoint <see cref="Save"/> writes.</summary>
    public const string WeightsFileName = "weights.safetensors";

    internal ImportedNetwork(
        string name, FeatureShape input, InputScaling inputScaling, IReadOnlyList<string> classNames, IReadOnlyList<LayerDescription> layers,
        IReadOnlyList<ParameterTensor> parameterTensors, float[] parameters, string source)
    {
        Name = name;
        Input = input;
        InputScaling = inputScaling;
        ClassNames = classNames;
        Layers = layers;
        ParameterTensors = parameterTensors;
        Parameters = parameters;
        Source = source;
    }

    /// <summary>The architecture's <c>name</c>; the generated type is <c>{Name}Network</c>.</summary>
    public string Name { get; }

    /// <summary>One image as the architecture takes it.</summary>
    public FeatureShape Input { get; }

    /// <summary>How the network wants its pixels.</summary>
    public InputScaling InputScaling { get; }

    /// <summary>One name per class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The layers, named, with their shapes.</summary>
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>The parameter tensors in <c>state_dict</c> order (<c>{layer}.weight</c>, <c>{layer}.bias</c>), as the generator lays them out.</summary>
    public IReadOnlyList<ParameterTensor> ParameterTensors { get; }

    /// <summary>The flat parameter buffer.</summary>
    public float[] Parameters { get; }

    /// <summary>Where the network came from, for example <c>model.onnx (pytorch 2.11.0)</c>.</summary>
    public string Source { get; }

    /// <summary>The architecture file's text.</summary>
    public string ArchitectureJson() => ArchitectureWriter.Write(this);

    /// <summary>
    /// Writes <see cref="ArchitectureFileName"/> and <see cref="WeightsFileName"/> (a checkpoint of <see cref="Name"/>)
    /// into <paramref name="folder"/>, creating it if needed; each file atomically (<see cref="AtomicFile"/>).
    /// </summary>
    /// <exception cref="LeNet5Exception">A file cannot be written.</exception>
    public void Save(string folder)
    {
        string architecture = Path.Combine(folder, ArchitectureFileName);
        try
        {
            AtomicFile.Write(architecture, Encoding.UTF8.GetBytes(ArchitectureJson()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{architecture}: cannot write the architecture file: {e.Message}", e);
        }
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.ArchitectureKey] = Name,
            ["parameter_count"] = Parameters.Length.ToString(CultureInfo.InvariantCulture),
            [Checkpoint.ContentHashKey] = Checkpoint.ContentHash(Parameters),
            ["imported_from"] = Source,
        };
        SafeTensors.Save(Path.Combine(folder, WeightsFileName), ParameterTensors, Parameters, metadata);
    }
}
