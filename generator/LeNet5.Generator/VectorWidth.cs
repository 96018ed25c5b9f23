using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// One vector register width the kernels are written for (512, 256 or 128 bits), and the names of its type and
    /// operations in generated code, so that an emitter writes a kernel once and gets it for every width.
    /// </summary>
    internal sealed class VectorWidth
    {
        public static readonly VectorWidth Bits512 = new VectorWidth(512);

        public static readonly VectorWidth Bits256 = new VectorWidth(256);

        public static readonly VectorWidth Bits128 = new VectorWidth(128);

        /// <summary>Every width, widest first: the order in which generated code asks the hardware.</summary>
        public static readonly IReadOnlyList<VectorWidth> All = new[] { Bits512, Bits256, Bits128 };

        private VectorWidth(int bits)
        {
            Bits = bits;
        }

        public int Bits { get; }

        /// <summary>Floats per vector.</summary>
        public int Lanes => Bits / 32;

        /// <summary>The static class of the width's operations: <c>Vector256</c>.</summary>
        public string Vector => "Vector" + Bits;

        /// <summary>The vector type: <c>Vector256&lt;float&gt;</c>.</summary>
        public string Type => Vector + "<float>";

        public string Zero => Type + ".Zero";

        /// <summary>The check the JIT folds to a constant: <c>Vector256.IsHardwareAccelerated</c>.</summary>
        public string IsAccelerated => Vector + ".IsHardwareAccelerated";

        /// <summary>What the names of a kernel's per-width methods end with: <c>C1Forward256</c>.</summary>
        public string Suffix => Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public string Load(string address) => Vector + ".Load(" + address + ")";

        public string Store(string value, string address) => Vector + ".Store(" + value + ", " + address + ");";

        public string Create(string value) => Vector + ".Create(" + value + ")";

        public string Sum(string value) => Vector + ".Sum(" + value + ")";

        /// <summary>A float mask whose first <paramref name="zeros"/> lanes are clear and the rest set.</summary>
        public string LaneMask(int zeros)
            => Vector + ".Create(" + string.Join(", ", Enumerable.Range(0, Lanes).Select(lane => lane < zeros ? "0" : "-1")) + ").AsSingle()";

        /// <summary>Floats per vector in generated code: <c>Vector256&lt;float&gt;.Count</c>.</summary>
        public string Count => Type + ".Count";

        public override string ToString() => Suffix + "-bit";
    }
}
