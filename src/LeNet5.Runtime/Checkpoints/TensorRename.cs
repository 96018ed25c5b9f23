namespace LeNet5.Runtime.Checkpoints;

/// <summary>
/// One renaming rule of a <see cref="StateDictImport"/>: a tensor name equal to <see cref="From"/>, or starting with
/// <see cref="From"/> followed by a dot, has that prefix replaced by <see cref="To"/>. Prefixes are whole dotted parts of
/// the name, so <c>out=output</c> renames <c>out.weight</c> to <c>output.weight</c> but leaves <c>outer.weight</c>,
/// and an empty <see cref="To"/> removes the prefix and its dot (<c>module=</c> turns <c>module.c1.weight</c> into
/// <c>c1.weight</c>).
/// </summary>
/// <param name="From">The prefix to replace: one or more dotted parts, not empty.</param>
/// <param name="To">Its replacement, or empty to remove it.</param>
public sealed record TensorRename(string From, string To)
{
    /// <summary>Reads <c>from=to</c> (as the console's <c>--map</c> takes it); a trailing dot on either side is ignored.</summary>
    /// <param name="text">The rule, for example <c>out=output</c> or <c>seed.param.=</c>.</param>
    /// <param name="rename">The rule, when the text is one.</param>
    /// <returns>False when the text has no <c>=</c> or nothing before it.</returns>
    public static bool TryParse(string text, out TensorRename rename)
    {
        ArgumentNullException.ThrowIfNull(text);
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string from = equals < 0 ? string.Empty : text[..equals].Trim().TrimEnd('.');
        rename = new TensorRename(from, equals < 0 ? string.Empty : text[(equals + 1)..].Trim().TrimEnd('.'));
        return from.Length > 0;
    }

    /// <summary>The name with this rule applied, or null when the rule does not match it.</summary>
    public string? Apply(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (From.Length == 0 || !name.StartsWith(From, StringComparison.Ordinal)) return null;
        string rest = name[From.Length..];
        if (rest.Length > 0 && rest[0] != '.') return null;
        if (To.Length > 0) return To + rest;
        return rest.Length > 0 ? rest[1..] : string.Empty;
    }

    /// <summary>The rule as <see cref="TryParse"/> reads it.</summary>
    public override string ToString() => From + "=" + To;
}
