using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>The networks one console offers, the default first; <c>--architecture NAME</c> picks among them.</summary>
public sealed class NetworkCatalog
{
    /// <summary>A catalog of <paramref name="networks"/>, the first being the default.</summary>
    /// <exception cref="ArgumentException">No network, or two with the same name.</exception>
    public NetworkCatalog(IReadOnlyList<ConsoleNetwork> networks)
    {
        if (networks.Count == 0) throw new ArgumentException("a console needs at least one network", nameof(networks));
        string? twice = networks.GroupBy(n => n.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is not null) throw new ArgumentException($"two networks are named '{twice}'", nameof(networks));
        All = networks;
    }

    /// <summary>The program's name in error lines: the executable's own (<c>lenet5</c> for this repository's console).</summary>
    public string ProgramName { get; init; } = Path.GetFileNameWithoutExtension(Environment.GetCommandLineArgs()[0]);

    /// <summary>Every network, the default first.</summary>
    public IReadOnlyList<ConsoleNetwork> All { get; }

    /// <summary>The network used when none is chosen.</summary>
    public ConsoleNetwork Default => All[0];

    /// <summary>The network named <paramref name="name"/> (case-insensitive), or the default when null.</summary>
    /// <exception cref="LeNet5Exception">No network has that name.</exception>
    public ConsoleNetwork Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Default;
        return All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new LeNet5Exception($"unknown architecture '{name}'; known: {string.Join(", ", All.Select(a => a.Name.ToLowerInvariant()))}");
    }
}
