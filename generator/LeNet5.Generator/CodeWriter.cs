using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LeNet5.Generator
{
    /// <summary>A minimal indented text writer: four spaces per level, '\n' line endings, braces that indent.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _builder = new StringBuilder();
        private int _indent;

        public void Line(string text)
        {
            if (text.Length > 0)
            {
                _builder.Append(' ', _indent * 4);
                _builder.Append(text);
            }

            _builder.Append('\n');
        }

        public void Line() => _builder.Append('\n');

        public void Open(string header)
        {
            Line(header);
            Open();
        }

        public void Open()
        {
            Line("{");
            _indent++;
        }

        public void Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
        }

        public void Indent() => _indent++;

        public void Unindent() => _indent--;

        public override string ToString() => _builder.ToString();

        /// <summary>A float literal in the invariant culture with an <c>f</c> suffix, round-tripping the value.</summary>
        public static string Float(double value)
        {
            float single = (float)value;
            if (float.IsNaN(single) || float.IsInfinity(single))
            {
                throw new ArgumentOutOfRangeException(nameof(value), "Cannot write a non-finite float literal.");
            }

            string text = single.ToString("R", CultureInfo.InvariantCulture);
            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
            {
                text += ".0";
            }

            return text + "f";
        }

        /// <summary>A double literal in the invariant culture, round-tripping the value.</summary>
        public static string Double(double value)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
            {
                text += ".0";
            }

            return text;
        }

        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Float literals (see <see cref="Float"/>) separated by commas, for an array initializer.</summary>
        public static string Floats(IEnumerable<double> values) => string.Join(", ", values.Select(Float));

        /// <summary>Int literals separated by commas, for an array initializer.</summary>
        public static string Ints(IEnumerable<int> values) => string.Join(", ", values.Select(Int));

        /// <summary>The eight lanes of an integer mask: the first <paramref name="zeros"/> 0, the others -1 (all bits set).</summary>
        public static string LaneMask(int zeros)
        {
            var lanes = new string[8];
            for (int lane = 0; lane < 8; lane++)
            {
                lanes[lane] = lane < zeros ? "0" : "-1";
            }

            return string.Join(", ", lanes);
        }

        public static string String(string value)
        {
            var builder = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    default:
                        if (char.IsControl(c))
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.Append('"').ToString();
        }
    }
}
