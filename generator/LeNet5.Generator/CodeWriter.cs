using System;
using System.Collections.Generic;
using System.Globalization;
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

        /// <summary>An interpolated line, its values formatted in the invariant culture.</summary>
        public void Line(InvariantText text) => Line(text.ToString());

        public void Line() => _builder.Append('\n');

        /// <summary>Fixed text (a raw string literal), line by line at the current indentation.</summary>
        public void Lines(string text)
        {
            foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
            {
                Line(line);
            }
        }

        /// <summary>Fixed text with interpolated values (an interpolated raw string literal), in the invariant culture.</summary>
        public void Lines(InvariantText text) => Lines(text.ToString());

        /// <summary>An interpolated expression formatted in the invariant culture, for building parts of lines.</summary>
        public static string Text(InvariantText text) => text.ToString();

        /// <summary>
        /// Writes <paramref name="header"/> (if any) and an opening brace and indents; disposing the scope unindents and
        /// writes the closing brace followed by <paramref name="suffix"/>, so <c>using (writer.Block("for (...)"))</c>
        /// nests like the code it writes.
        /// </summary>
        public Scope Block(string? header = null, string suffix = "")
        {
            if (header != null)
            {
                Line(header);
            }

            Line("{");
            _indent++;
            return new Scope(this, "}" + suffix, 1);
        }

        /// <summary>One more level of indentation, without braces, until the scope is disposed (continuation lines).</summary>
        public Scope Indented()
        {
            _indent++;
            return new Scope(this, null, 1);
        }

        /// <summary>A block whose header is a control statement (<c>if</c>, <c>for</c>) only when <paramref name="open"/>: otherwise an empty scope.</summary>
        public Scope BlockIf(bool open, string header) => open ? Block(header) : default;

        /// <summary>
        /// An <c>if</c> / <c>else if</c> chain that runs the statement of the first condition that holds, else
        /// <paramref name="otherwise"/>'s code; with no branches, that code alone.
        /// </summary>
        public void FirstOf(IReadOnlyList<(string Condition, string Statement)> branches, Action otherwise)
        {
            for (int i = 0; i < branches.Count; i++)
            {
                using (Block((i == 0 ? "if (" : "else if (") + branches[i].Condition + ")"))
                {
                    Line(branches[i].Statement);
                }
            }

            using (BlockIf(branches.Count > 0, "else"))
            {
                otherwise();
            }
        }

        private void End(string? closing, int levels)
        {
            _indent -= levels;
            if (closing != null)
            {
                Line(closing);
            }
        }

        /// <summary>The end of a <see cref="Block"/>: one or more nested blocks closed together when disposed.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly CodeWriter? _writer;
            private readonly string? _closing;
            private readonly int _levels;

            internal Scope(CodeWriter writer, string? closing, int levels)
            {
                _writer = writer;
                _closing = closing;
                _levels = levels;
            }

            public void Dispose() => _writer?.End(_closing, _levels);
        }

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
        public static string Floats(IEnumerable<double> values) => Join(values, Float);

        /// <summary>Int literals separated by commas, for an array initializer.</summary>
        public static string Ints(IEnumerable<int> values) => Join(values, Int);

        private static string Join<T>(IEnumerable<T> values, Func<T, string> literal)
        {
            var builder = new StringBuilder();
            foreach (T value in values)
            {
                builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(literal(value));
            }

            return builder.ToString();
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
