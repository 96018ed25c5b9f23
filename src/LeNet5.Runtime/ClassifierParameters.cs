using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Runtime;

/// <summary>
/// The parameters a <see cref="NetworkClassifier{TNetwork, TPrediction}"/> reads: immutable, and fixed in memory for the
/// life of the classifier. Either a pinned copy (from a checkpoint or a span) or, for weights embedded in an assembly,
/// the checkpoint's tensor data read in place from the mapped assembly image.
/// </summary>
public sealed unsafe class ClassifierParameters
{
    private readonly float* _data;

    // The pinned copy _data points into, kept alive here; null when _data points into an assembly image.
    private readonly float[]? _copy;

    private ClassifierParameters(float* data, float[]? copy, int length)
    {
        _data = data;
        _copy = copy;
        Length = length;
    }

    /// <summary>Number of parameters.</summary>
    public int Length { get; }

    /// <summary>The parameters, in the layout of the network's <see cref="NetworkDescription.ParameterTensors"/>.</summary>
    public ReadOnlySpan<float> Span => new(_data, Length);

    /// <summary>Whether <see cref="Span"/> points into an assembly image (true) or at a copy.</summary>
    public bool IsInPlace => _copy is null;

    /// <summary>A pinned copy of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not hold <c>TNetwork.Description.ParameterCount</c> floats.</exception>
    public static ClassifierParameters Copy<TNetwork>(ReadOnlySpan<float> parameters) where TNetwork : struct, INetwork
    {
        if (parameters.Length != TNetwork.Description.ParameterCount)
            throw new ArgumentException($"{TNetwork.Description.Name} has {TNetwork.Description.ParameterCount} parameters, not {parameters.Length}", nameof(parameters));
        float[] copy = GC.AllocateArray<float>(parameters.Length, pinned: true);
        parameters.CopyTo(copy);
        return new ClassifierParameters((float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(copy)), copy, copy.Length);
    }

    /// <summary>Loads and validates a checkpoint file (see <see cref="Checkpoint.Load{TNetwork}(string)"/>).</summary>
    /// <exception cref="CheckpointException">The file is missing, unreadable or does not fit; the message names the file and tensor.</exception>
    public static ClassifierParameters FromCheckpoint<TNetwork>(string path) where TNetwork : struct, INetwork
    {
        ArgumentNullException.ThrowIfNull(path);
        return Copy<TNetwork>(Checkpoint.Load<TNetwork>(path).Parameters);
    }

    /// <summary>Loads and validates a checkpoint read from <paramref name="stream"/> to its end.</summary>
    /// <exception cref="CheckpointException">The bytes are not a checkpoint that fits; the message names the source and tensor.</exception>
    public static ClassifierParameters FromCheckpoint<TNetwork>(Stream stream) where TNetwork : struct, INetwork
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        string source = stream is FileStream file ? file.Name : "checkpoint stream";
        return Copy<TNetwork>(SafeTensors.Load(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), source, TNetwork.Description.Name, TNetwork.Description.ParameterTensors, TNetwork.Description.ParameterCount).Parameters);
    }

    /// <summary>
    /// The checkpoint embedded in <paramref name="assembly"/> as the manifest resource <paramref name="resourceName"/>,
    /// validated against the network once, then read in place through <see cref="UnmanagedMemoryStream.PositionPointer"/>:
    /// no copy, no file, also under NativeAOT. Only a checkpoint laid out otherwise (tensors in another order) or a
    /// big-endian machine costs one copy.
    /// </summary>
    /// <param name="assembly">The assembly holding the resource: the generated classifier's own.</param>
    /// <param name="resourceName">The resource's logical name, set by the build targets.</param>
    /// <param name="weightsFile">The file the resource was built from, named in messages.</param>
    /// <exception cref="CheckpointException">The resource is missing or does not fit the network.</exception>
    public static ClassifierParameters FromResource<TNetwork>(Assembly assembly, string resourceName, string weightsFile) where TNetwork : struct, INetwork
    {
        ArgumentNullException.ThrowIfNull(assembly);
        string source = $"{weightsFile} (embedded in {assembly.GetName().Name})";
        Stream? stream = assembly.GetManifestResourceStream(resourceName);
        if (stream is not UnmanagedMemoryStream resource)
        {
            stream?.Dispose();
            throw new CheckpointException($"{source}: the assembly lacks its manifest resource {resourceName}; rebuild it");
        }

        // The pointer stays valid after the stream is closed: it points into the assembly image, mapped while it is loaded.
        ReadOnlySpan<byte> file;
        using (resource)
        {
            file = new ReadOnlySpan<byte>(resource.PositionPointer, checked((int)resource.Length));
        }

        int start = SafeTensors.FindFlatData(file, source, TNetwork.Description.Name, TNetwork.Description.ParameterTensors, TNetwork.Description.ParameterCount);
        fixed (byte* bytes = file)
        {
            if (start >= 0 && BitConverter.IsLittleEndian && (nint)(bytes + start) % sizeof(float) == 0)
                return new ClassifierParameters((float*)(bytes + start), null, TNetwork.Description.ParameterCount);
        }
        return Copy<TNetwork>(SafeTensors.Load(file, source, TNetwork.Description.Name, TNetwork.Description.ParameterTensors, TNetwork.Description.ParameterCount).Parameters);
    }
}
