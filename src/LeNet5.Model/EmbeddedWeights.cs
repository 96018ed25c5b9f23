using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LeNet5.Runtime;

namespace LeNet5.Model;

/// <summary>
/// The trained parameters of <see cref="LeNet5Network"/>, embedded in this assembly as the manifest resource
/// <see cref="ResourceName"/> (a safetensors checkpoint written by <c>lenet5 train</c>). The checkpoint is validated
/// against the generated network (names, shapes, dtype) once, then its tensor data is read in place from the mapped
/// assembly image through <see cref="UnmanagedMemoryStream.PositionPointer"/>: no copy, no file, also under NativeAOT.
/// Only a checkpoint laid out differently (another order or dtype) or a big-endian machine costs one copy.
/// </summary>
internal static unsafe class EmbeddedWeights
{
    /// <summary>The manifest resource holding <c>Weights/lenet5.safetensors</c>.</summary>
    public const string ResourceName = "LeNet5.Model.Weights.lenet5.safetensors";

    /// <summary>The command that regenerates the weights after architecture.json changes.</summary>
    public const string RetrainCommand =
        "dotnet run -c Release --project src/LeNet5.Trainer -- train --data ../shared/data/mnist --output src/LeNet5.Model/Weights/lenet5.safetensors";

    private static readonly float* s_data = Map(out s_copy, out s_inPlace);

    // Keeps the copied parameters alive when they could not be read in place (pinned, so s_data stays valid).
    private static readonly float[]? s_copy;
    private static readonly bool s_inPlace;

    /// <summary>The <see cref="LeNet5Network.ParameterCount"/> trained parameters.</summary>
    public static ReadOnlySpan<float> Parameters => new(s_data, LeNet5Network.ParameterCount);

    /// <summary>Whether <see cref="Parameters"/> points into the assembly image (true) or at a one-time copy.</summary>
    public static bool IsInPlace => s_inPlace;

    /// <summary>The embedded checkpoint's bytes, straight from the assembly image.</summary>
    public static ReadOnlySpan<byte> CheckpointBytes
    {
        get
        {
            using UnmanagedMemoryStream stream = OpenResource();
            return new ReadOnlySpan<byte>(stream.PositionPointer, checked((int)stream.Length));
        }
    }

    private static float* Map(out float[]? copy, out bool inPlace)
    {
        ReadOnlySpan<byte> file = CheckpointBytes;
        string source = "embedded resource " + ResourceName;
        int start;
        try
        {
            start = SafeTensors.FindFlatData(file, source, LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointException($"{e.Message}. The weights embedded in LeNet5.Model no longer fit architecture.json; retrain them with: {RetrainCommand}", e);
        }

        fixed (byte* bytes = file)
        {
            if (start >= 0 && BitConverter.IsLittleEndian && (nint)(bytes + start) % sizeof(float) == 0)
            {
                copy = null;
                inPlace = true;
                return (float*)(bytes + start);
            }
        }

        copy = GC.AllocateArray<float>(LeNet5Network.ParameterCount, pinned: true);
        SafeTensors.Load(file, source, LeNet5Network.Name, LeNet5Network.ParameterTensors, LeNet5Network.ParameterCount).Parameters.CopyTo(copy, 0);
        inPlace = false;
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(copy));
    }

    private static UnmanagedMemoryStream OpenResource()
    {
        Stream? stream = typeof(EmbeddedWeights).Assembly.GetManifestResourceStream(ResourceName);
        return stream as UnmanagedMemoryStream
            ?? throw new InvalidOperationException($"LeNet5.Model is missing its embedded weights (resource {ResourceName}); rebuild it from Weights/lenet5.safetensors");
    }
}
