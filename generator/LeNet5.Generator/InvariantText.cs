using System;
using System.Globalization;
using System.Text;

namespace System.Runtime.CompilerServices
{
    /// <summary>Polyfill: netstandard2.0 lacks the attribute that makes a type an interpolated string handler.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    internal sealed class InterpolatedStringHandlerAttribute : Attribute
    {
    }
}

namespace LeNet5.Generator
{
    /// <summary>
    /// An interpolated string formatted in the invariant culture: <c>writer.Line($"int x = {value};")</c> binds here
    /// rather than to <c>string</c>, so no number in generated code depends on the machine's culture.
    /// </summary>
    [System.Runtime.CompilerServices.InterpolatedStringHandler]
    internal readonly struct InvariantText
    {
        private readonly StringBuilder _builder;

        public InvariantText(int literalLength, int formattedCount)
        {
            _builder = new StringBuilder(literalLength + (formattedCount * 8));
        }

        public void AppendLiteral(string text) => _builder.Append(text);

        public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

        public void AppendFormatted<T>(T value, string? format)
        {
            _builder.Append(value is IFormattable formattable ? formattable.ToString(format, CultureInfo.InvariantCulture) : value?.ToString());
        }

        public override string ToString() => _builder.ToString();
    }
}
