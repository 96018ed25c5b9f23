namespace LeNet5.Model;

/// <summary>
/// Makes this project fail to build when LeNet5.Generator did not produce <see cref="LeNet5Network"/> from
/// architecture.json (for example a generator skipped with CS9057, or the file missing from AdditionalFiles),
/// instead of silently building an empty assembly.
/// </summary>
internal static class GeneratedNetworkCheck
{
    /// <summary>A compile-time use of the generated type.</summary>
    internal const int ParameterCount = LeNet5Network.ParameterCount;
}
