using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LeNet5.Generator
{
    /// <summary>Where a JSON value sits in its file: character span plus zero-based line and column of both ends.</summary>
    internal readonly record struct SourceSpan(int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
    {
        public Location ToLocation(string path) => Location.Create(
            path,
            new TextSpan(Start, Length),
            new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
    }
}
