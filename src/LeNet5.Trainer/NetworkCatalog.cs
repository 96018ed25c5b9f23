using LeNet5.Model;

namespace LeNet5.Trainer;

/// <summary>
/// The architectures the console knows: the one place that names generated network types. A new architecture is
/// one more <see cref="ArchitectureCommands{TNetwork}"/> in <see cref="All"/>.
/// </summary>
public static class NetworkCatalog
{
    /// <summary>Every architecture, the default first.</summary>
    public static IReadOnlyList<IArchitectureCommands> All { get; } =
    [
        new ArchitectureCommands<LeNet5Network>(),
        new ArchitectureCommands<PaperNetwork>(),
    ];

    /// <summary>The architecture used when none is chosen.</summary>
    public static IArchitectureCommands Default => All[0];

    /// <summary>The architecture named <paramref name="name"/> (case-insensitive), or the default when null.</summary>
    public static IArchitectureCommands Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Default;
        return All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new Runtime.LeNet5Exception($"unknown architecture '{name}'; known: {string.Join(", ", All.Select(a => a.Name))}");
    }
}
