using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Optimization;

/// <summary>
/// One learning rate per epoch, the last holding for later epochs (<see cref="TrainingRecipe.LearningRateSchedule"/>);
/// empty when the recipe's rate and decay apply. Equal when the rates are, so that recipes compare by value:
/// <c>recipe with { LearningRateSchedule = [0.01f, 0.005f] }</c>.
/// </summary>
[CollectionBuilder(typeof(LearningRateSchedule), nameof(Create))]
public sealed class LearningRateSchedule : IReadOnlyList<float>, IEquatable<LearningRateSchedule>
{
    private readonly float[] _rates;

    /// <summary>A schedule of <paramref name="rates"/> (copied), one per epoch.</summary>
    public LearningRateSchedule(IEnumerable<float> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        _rates = [.. rates];
    }

    private LearningRateSchedule(float[] rates) => _rates = rates;

    /// <summary>No schedule: the recipe's rate, decayed once per epoch.</summary>
    public static LearningRateSchedule None { get; } = new([]);

    /// <summary>A schedule of <paramref name="rates"/>, for collection expressions (<c>[0.01f, 0.005f]</c>).</summary>
    public static LearningRateSchedule Create(ReadOnlySpan<float> rates) => rates.IsEmpty ? None : new(rates.ToArray());

    /// <summary>Number of epochs with a rate of their own.</summary>
    public int Count => _rates.Length;

    /// <summary>The rate of epoch <paramref name="index"/> (0-based).</summary>
    public float this[int index] => _rates[index];

    /// <summary>The rates, one per epoch.</summary>
    public ReadOnlySpan<float> AsSpan() => _rates;

    /// <inheritdoc />
    public IEnumerator<float> GetEnumerator() => ((IEnumerable<float>)_rates).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether both schedules hold the same rates in the same order.</summary>
    public bool Equals(LearningRateSchedule? other) => other is not null && _rates.AsSpan().SequenceEqual(other._rates);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LearningRateSchedule other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (float rate in _rates) hash.Add(rate);
        return hash.ToHashCode();
    }

    /// <summary>The rates in brackets, for example <c>[0.0005, 0.0002]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", _rates.Select(r => r.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/> hold the same rates.</summary>
    public static bool operator ==(LearningRateSchedule? left, LearningRateSchedule? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/> differ.</summary>
    public static bool operator !=(LearningRateSchedule? left, LearningRateSchedule? right) => !(left == right);
}
