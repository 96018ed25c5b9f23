using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LeNet5.Generator
{
    internal enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        Boolean,
        Null,
    }

    /// <summary>A parsed JSON value that remembers where it was written.</summary>
    internal abstract class JsonNode
    {
        protected JsonNode(SourceSpan span)
        {
            Span = span;
        }

        public SourceSpan Span { get; }

        public abstract JsonKind Kind { get; }

        /// <summary>How the value is described in messages: "the string \"abc\"", "an object", ...</summary>
        public abstract string Describe();
    }

    internal sealed class JsonProperty
    {
        public JsonProperty(string name, SourceSpan nameSpan, JsonNode value)
        {
            Name = name;
            NameSpan = nameSpan;
            Value = value;
        }

        public string Name { get; }

        public SourceSpan NameSpan { get; }

        public JsonNode Value { get; }
    }

    internal sealed class JsonObject : JsonNode
    {
        public JsonObject(SourceSpan span, List<JsonProperty> properties)
            : base(span)
        {
            Properties = properties;
        }

        public List<JsonProperty> Properties { get; }

        public override JsonKind Kind => JsonKind.Object;

        /// <summary>The last property with this name (JSON readers conventionally let the last one win), or null.</summary>
        public JsonProperty? Find(string name)
        {
            for (int i = Properties.Count - 1; i >= 0; i--)
            {
                if (Properties[i].Name == name)
                {
                    return Properties[i];
                }
            }

            return null;
        }

        public override string Describe() => "an object";
    }

    internal sealed class JsonArray : JsonNode
    {
        public JsonArray(SourceSpan span, List<JsonNode> items)
            : base(span)
        {
            Items = items;
        }

        public List<JsonNode> Items { get; }

        public override JsonKind Kind => JsonKind.Array;

        public override string Describe() => "an array";
    }

    internal sealed class JsonString : JsonNode
    {
        public JsonString(SourceSpan span, string value)
            : base(span)
        {
            Value = value;
        }

        public string Value { get; }

        public override JsonKind Kind => JsonKind.String;

        public override string Describe() => "the string \"" + Value + "\"";
    }

    internal sealed class JsonNumber : JsonNode
    {
        public JsonNumber(SourceSpan span, string text, double value)
            : base(span)
        {
            Text = text;
            Value = value;
        }

        /// <summary>The number as written in the file.</summary>
        public string Text { get; }

        public double Value { get; }

        public bool IsInteger => Value == Math.Floor(Value) && Math.Abs(Value) <= int.MaxValue;

        public override JsonKind Kind => JsonKind.Number;

        public override string Describe() => "the number " + Text;
    }

    internal sealed class JsonLiteral : JsonNode
    {
        public JsonLiteral(SourceSpan span, JsonKind kind, bool value)
            : base(span)
        {
            LiteralKind = kind;
            Value = value;
        }

        private JsonKind LiteralKind { get; }

        public bool Value { get; }

        public override JsonKind Kind => LiteralKind;

        public override string Describe() => LiteralKind == JsonKind.Null ? "null" : (Value ? "true" : "false");
    }

    /// <summary>Thrown by <see cref="JsonReader"/> for malformed input, with the position of the problem.</summary>
    internal sealed class JsonReaderException : Exception
    {
        public JsonReaderException(string message, SourceSpan span)
            : base(message)
        {
            Span = span;
        }

        public SourceSpan Span { get; }
    }

    /// <summary>
    /// A small strict JSON reader (RFC 8259, plus // and /* */ comments) that records the line and column of
    /// every value, so that diagnostics can point at the offending text. Avoids a System.Text.Json dependency
    /// in the analyzer.
    /// </summary>
    internal sealed class JsonReader
    {
        private const int MaxDepth = 64;

        private readonly string _text;
        private readonly List<int> _lineStarts = new List<int> { 0 };
        private int _position;

        private JsonReader(string text)
        {
            _text = text;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        /// <summary>Parses a whole document; throws <see cref="JsonReaderException"/> if it is malformed.</summary>
        public static JsonNode Parse(string text)
        {
            var reader = new JsonReader(text);
            reader.SkipWhitespace();
            JsonNode root = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (reader._position < text.Length)
            {
                throw new JsonReaderException("unexpected text after the end of the document", reader.SpanAt(reader._position, 1));
            }

            return root;
        }

        private JsonNode ReadValue(int depth)
        {
            if (_position >= _text.Length)
            {
                throw new JsonReaderException("unexpected end of file, expected a value", SpanAt(_text.Length, 0));
            }

            char c = _text[_position];
            switch (c)
            {
                case '{':
                    return ReadObject(depth);
                case '[':
                    return ReadArray(depth);
                case '"':
                {
                    int start = _position;
                    string value = ReadString();
                    return new JsonString(Span(start, _position), value);
                }

                case 't':
                    return ReadLiteral("true", JsonKind.Boolean, true);
                case 'f':
                    return ReadLiteral("false", JsonKind.Boolean, false);
                case 'n':
                    return ReadLiteral("null", JsonKind.Null, false);
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }

                    if (char.IsLetter(c))
                    {
                        throw UnquotedWord();
                    }

                    throw new JsonReaderException("unexpected character '" + c + "', expected a value", SpanAt(_position, 1));
            }
        }

        private JsonObject ReadObject(int depth)
        {
            if (depth >= MaxDepth)
            {
                throw new JsonReaderException("nesting is too deep", SpanAt(_position, 1));
            }

            int start = _position;
            _position++; // {
            var properties = new List<JsonProperty>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return new JsonObject(Span(start, _position), properties);
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw Unexpected("a property name in double quotes");
                }

                int nameStart = _position;
                string name = ReadString();
                SourceSpan nameSpan = Span(nameStart, _position);
                // A second value would silently replace the first (a second "layers" replaces the network).
                if (!names.Add(name))
                {
                    JsonProperty earlier = properties.First(property => property.Name == name);
                    throw new JsonReaderException(
                        "duplicate key '" + name + "' (first at line " + (earlier.NameSpan.StartLine + 1) + "); an object names each key once", nameSpan);
                }

                SkipWhitespace();
                if (Peek() != ':')
                {
                    throw Unexpected("':' after the property name");
                }

                _position++;
                SkipWhitespace();
                JsonNode value = ReadValue(depth + 1);
                properties.Add(new JsonProperty(name, nameSpan, value));
                SkipWhitespace();
                char next = Peek();
                if (next == ',')
                {
                    _position++;
                    continue;
                }

                if (next == '}')
                {
                    _position++;
                    return new JsonObject(Span(start, _position), properties);
                }

                throw Unexpected("',' or '}'");
            }
        }

        private JsonArray ReadArray(int depth)
        {
            if (depth >= MaxDepth)
            {
                throw new JsonReaderException("nesting is too deep", SpanAt(_position, 1));
            }

            int start = _position;
            _position++; // [
            var items = new List<JsonNode>();
            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                return new JsonArray(Span(start, _position), items);
            }

            while (true)
            {
                SkipWhitespace();
                items.Add(ReadValue(depth + 1));
                SkipWhitespace();
                char next = Peek();
                if (next == ',')
                {
                    _position++;
                    continue;
                }

                if (next == ']')
                {
                    _position++;
                    return new JsonArray(Span(start, _position), items);
                }

                throw Unexpected("',' or ']'");
            }
        }

        private string ReadString()
        {
            int start = _position;
            _position++; // opening quote
            var builder = new StringBuilder();
            while (true)
            {
                if (_position >= _text.Length)
                {
                    throw new JsonReaderException("unterminated string", SpanAt(start, 1));
                }

                char c = _text[_position++];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c == '\\')
                {
                    if (_position >= _text.Length)
                    {
                        throw new JsonReaderException("unterminated string", SpanAt(start, 1));
                    }

                    char escape = _text[_position++];
                    switch (escape)
                    {
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        case '/': builder.Append('/'); break;
                        case 'b': builder.Append('\b'); break;
                        case 'f': builder.Append('\f'); break;
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        case 'u':
                            if (_position + 4 > _text.Length
                                || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                            {
                                throw new JsonReaderException("invalid \\u escape, expected four hexadecimal digits", SpanAt(_position - 2, 2));
                            }

                            builder.Append((char)code);
                            _position += 4;
                            break;
                        default:
                            throw new JsonReaderException("invalid escape '\\" + escape + "'", SpanAt(_position - 2, 2));
                    }
                }
                else if (c < ' ')
                {
                    throw new JsonReaderException("control character in string (a string cannot span lines)", SpanAt(_position - 1, 1));
                }
                else
                {
                    builder.Append(c);
                }
            }
        }

        private JsonNumber ReadNumber()
        {
            int start = _position;
            if (Peek() == '-')
            {
                _position++;
            }

            if (Peek() == '0')
            {
                _position++;
            }
            else if (IsDigit(Peek()))
            {
                SkipDigits();
            }
            else
            {
                throw Unexpected("a digit");
            }

            if (Peek() == '.')
            {
                _position++;
                if (!IsDigit(Peek()))
                {
                    throw Unexpected("a digit after the decimal point");
                }

                SkipDigits();
            }

            if (Peek() == 'e' || Peek() == 'E')
            {
                _position++;
                if (Peek() == '+' || Peek() == '-')
                {
                    _position++;
                }

                if (!IsDigit(Peek()))
                {
                    throw Unexpected("a digit in the exponent");
                }

                SkipDigits();
            }

            string text = _text.Substring(start, _position - start);
            double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return new JsonNumber(Span(start, _position), text, value);
        }

        private JsonLiteral ReadLiteral(string word, JsonKind kind, bool value)
        {
            int start = _position;
            int end = _position + word.Length;
            if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0 || (end < _text.Length && char.IsLetterOrDigit(_text[end])))
            {
                throw UnquotedWord();
            }

            _position = end;
            return new JsonLiteral(Span(start, _position), kind, value);
        }

        private JsonReaderException UnquotedWord()
        {
            int start = _position;
            int end = _position;
            while (end < _text.Length && (char.IsLetterOrDigit(_text[end]) || _text[end] == '_'))
            {
                end++;
            }

            return new JsonReaderException(
                "unexpected '" + _text.Substring(start, end - start) + "', expected a value (strings need double quotes)",
                SpanAt(start, end - start));
        }

        private void SkipWhitespace()
        {
            while (_position < _text.Length)
            {
                char c = _text[_position];
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF')
                {
                    _position++;
                }
                else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
                {
                    while (_position < _text.Length && _text[_position] != '\n')
                    {
                        _position++;
                    }
                }
                else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
                {
                    int end = _text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new JsonReaderException("unterminated comment", SpanAt(_position, 2));
                    }

                    _position = end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        private void SkipDigits()
        {
            while (IsDigit(Peek()))
            {
                _position++;
            }
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';

        private char Peek() => _position < _text.Length ? _text[_position] : '\0';

        private JsonReaderException Unexpected(string expected)
        {
            if (_position >= _text.Length)
            {
                return new JsonReaderException("unexpected end of file, expected " + expected, SpanAt(_text.Length, 0));
            }

            return new JsonReaderException("unexpected character '" + _text[_position] + "', expected " + expected, SpanAt(_position, 1));
        }

        private SourceSpan SpanAt(int start, int length) => Span(start, Math.Min(_text.Length, start + length));

        private SourceSpan Span(int start, int end)
        {
            int startLine = LineOf(start);
            int endLine = LineOf(end);
            return new SourceSpan(start, end - start, startLine, start - _lineStarts[startLine], endLine, end - _lineStarts[endLine]);
        }

        private int LineOf(int position)
        {
            int index = _lineStarts.BinarySearch(position);
            return index >= 0 ? index : ~index - 1;
        }
    }
}
