namespace LeNet5.Runtime.Checkpoints;

/// <summary>
/// How to read a <c>state_dict</c> written by another program (PyTorch's <c>safetensors.torch.save_file</c>) whose
/// tensor names differ from the architecture's or that holds more than its parameters: the <see cref="Renames"/> are
/// applied to every name in the file, one after the other (each to the result of the ones before), and then, with
/// <see cref="IgnoreExtraTensors"/>, tensors whose name is not one of the architecture's are skipped instead of refused.
/// Every rule must rename at least one tensor, and no two tensors may end up with the same name, so a typo fails loudly.
/// Layouts and shapes are checked as for any checkpoint; nothing is transposed or reshaped.
/// </summary>
/// <param name="Renames">The rules, applied in order.</param>
/// <param name="IgnoreExtraTensors">Skip tensors the architecture does not have (optimizer state, buffers, other networks).</param>
public sealed record StateDictImport(IReadOnlyList<TensorRename> Renames, bool IgnoreExtraTensors = false)
{
    /// <summary>The names as they are and no other tensors: what <see cref="Checkpoint.Load{TNetwork}(string)"/> accepts.</summary>
    public static StateDictImport Exact { get; } = new([]);

    /// <summary>
    /// Matches the file's tensor names to the architecture's tensors: the file's name of each architecture tensor, and
    /// the file's names that were skipped.
    /// </summary>
    internal (Dictionary<string, string> Sources, List<string> Ignored) Match(
        string file, IReadOnlyCollection<string> names, IReadOnlyList<ParameterTensor> tensors, string architecture)
    {
        var renamed = names.ToDictionary(name => name, name => name, StringComparer.Ordinal);
        foreach (TensorRename rule in Renames)
        {
            bool used = false;
            foreach (string name in names)
            {
                string? next = rule.Apply(renamed[name]);
                if (next is null) continue;
                renamed[name] = next;
                used = true;
            }
            if (!used)
            {
                throw new CheckpointException(
                    $"{file}: the rename {rule} matches no tensor name (the file has {Sample(names.Select(n => renamed[n]))}); a prefix is one or more whole dotted parts of a name");
            }
        }

        var expected = new HashSet<string>(tensors.Select(t => t.Name), StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var unexpected = new List<string>();
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            string target = renamed[name];
            if (!expected.Contains(target))
            {
                (IgnoreExtraTensors ? ignored : unexpected).Add(name);
            }
            else if (sources.TryGetValue(target, out string? first))
            {
                throw new CheckpointException(
                    $"{file}: tensors {Described(first, target)} and {Described(name, target)} both become '{target}'; each tensor of the architecture must come from one tensor of the file");
            }
            else
            {
                sources[target] = name;
            }
        }

        if (unexpected.Count > 0)
        {
            string hint = Renames.Count == 0
                ? "; a state_dict with other names or more tensors can be imported: 'lenet5 import safetensors FILE --map out=output --ignore-extra'"
                : "; rename them too (--map NAME=NAME) or skip them (--ignore-extra)";
            throw new CheckpointException(
                $"{file}: tensor{(unexpected.Count > 1 ? "s" : "")} {Sample(unexpected.Select(n => Described(n, renamed[n])))} not in the architecture {architecture} (it has {string.Join(", ", tensors.Select(t => t.Name))}){hint}");
        }
        return (sources, ignored);
    }

    /// <summary>A file's tensor name in a message, with what the renames made of it.</summary>
    internal static string Described(string name, string target) => name == target ? $"'{name}'" : $"'{name}' (renamed '{target}')";

    /// <summary>A few names for a message: the first eight in order, and how many more.</summary>
    private static string Sample(IEnumerable<string> names)
    {
        string[] sorted = names.Order(StringComparer.Ordinal).ToArray();
        string shown = string.Join(", ", sorted.Take(8));
        return sorted.Length > 8 ? $"{shown} and {sorted.Length - 8} more" : shown;
    }
}
