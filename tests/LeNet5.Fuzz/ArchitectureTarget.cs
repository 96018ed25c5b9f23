using System.Text;
using LeNet5.Generator;

namespace LeNet5.Fuzz;

/// <summary>
/// The generator's JSON reader, architecture parser and shape inference: any text gives a model or diagnostics.
/// Nothing may throw, since an exception in a generator is no diagnostic at the offending line, only a failed build.
/// </summary>
internal static class ArchitectureTarget
{
    public static void Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        ShapeInference.Infer(ArchitectureParser.Parse("architecture.json", text));
    }
}
