namespace LeNet5.Fuzz;

/// <summary>The fuzz targets by name. Each takes any bytes and throws only when the code under test misbehaves.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["architecture"] = ArchitectureTarget.Run,
        ["safetensors"] = SafeTensorsTarget.Run,
        ["idx"] = IdxTarget.Run,
    };
}
