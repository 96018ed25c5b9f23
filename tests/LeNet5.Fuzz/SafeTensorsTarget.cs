using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Fuzz;

/// <summary>The safetensors reader: any bytes load as a checkpoint of a small architecture or throw <see cref="CheckpointException"/>.</summary>
internal static class SafeTensorsTarget
{
    // Two tensors, small enough for the fuzzer to build valid files by mutation; the seeds are checkpoints of it.
    private static readonly ParameterTensor[] Tensors = [new("w", 0, [2, 3]), new("b", 6, [3])];
    private const int ParameterCount = 9;

    public static void Run(byte[] input)
    {
        try
        {
            SafeTensors.Load(input, "input", "Fuzz", Tensors, ParameterCount);
        }
        catch (CheckpointException)
        {
        }
        try
        {
            SafeTensors.FindFlatData(input, "input", "Fuzz", Tensors, ParameterCount);
        }
        catch (CheckpointException)
        {
        }
    }
}
