using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LeNet5.Cli;

namespace LeNet5.Benchmarks;

/// <summary>
/// The suite's configuration: BenchmarkDotNet's defaults, plus the vectors in use on every row (so that a result says
/// which instruction sets produced it), multiply-adds per second where a benchmark declares its count, and a filter
/// that drops benchmarks of vector widths this machine does not accelerate.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() => ManualConfig.Create(DefaultConfig.Instance)
        // Each job rebuilds the suite, which takes minutes on a loaded two-core machine (the default allows two).
        .WithBuildTimeout(TimeSpan.FromMinutes(15))
        .AddColumn(new VectorsColumn(), new MultiplyAddsColumn())
        .AddFilter(new SimpleFilter(b =>
            b.Descriptor.WorkloadMethod.GetCustomAttribute<RequiresVectorBitsAttribute>() is not { } requires
            || requires.IsAccelerated));
}

/// <summary>Multiply-adds one invocation of the benchmark does, for the <see cref="MultiplyAddsColumn"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class MultiplyAddsAttribute(long count) : Attribute
{
    public long Count { get; } = count;
}

/// <summary>The benchmark needs vectors of <see cref="Bits"/> bits accelerated (0: none needed); it is skipped otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresVectorBitsAttribute(int bits) : Attribute
{
    public int Bits { get; } = bits;

    public bool IsAccelerated => Bits switch
    {
        512 => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
        256 => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
        128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        _ => true,
    };
}

/// <summary>
/// The widest accelerated vector and the instruction sets in use, as <see cref="MachineVectors"/> reports them for this
/// process (the benchmarks' processes inherit its <c>DOTNET_Enable*</c> switches).
/// </summary>
internal sealed class VectorsColumn : IColumn
{
    private static readonly string Value = $"{MachineVectors.WidestBits}-bit {MachineVectors.InstructionSets}";

    public string Id => nameof(VectorsColumn);
    public string ColumnName => "Vectors";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Job;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Widest accelerated vector (bits) and the vector instruction sets in use";
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => Value;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => Value;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}

/// <summary>Billions of multiply-adds per second, for benchmarks that declare their count with <see cref="MultiplyAddsAttribute"/>.</summary>
internal sealed class MultiplyAddsColumn : IColumn
{
    public string Id => nameof(MultiplyAddsColumn);
    public string ColumnName => "G mul-add/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Multiply-adds per second (billions): the benchmark's count over its mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<MultiplyAddsAttribute>() is not { } count) return "-";
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return nanoseconds is > 0 ? (count.Count / nanoseconds.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "?";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    // Only in summaries where some benchmark declares its count.
    public bool IsAvailable(Summary summary)
        => summary.BenchmarksCases.Any(b => b.Descriptor.WorkloadMethod.GetCustomAttribute<MultiplyAddsAttribute>() is not null);
}
