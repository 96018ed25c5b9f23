using Microsoft.CodeAnalysis;

namespace LeNet5.Generator
{
    /// <summary>
    /// A diagnostic as plain values (descriptor id, file, span, message arguments), so that it can travel through
    /// the incremental pipeline and compare by value; turned into a <see cref="Diagnostic"/> only when reported.
    /// </summary>
    internal sealed record DiagnosticInfo(string Id, string FilePath, SourceSpan Span, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, string filePath, SourceSpan span, params string[] arguments)
            => new DiagnosticInfo(descriptor.Id, filePath, span, new EquatableArray<string>(arguments));

        public Diagnostic ToDiagnostic()
        {
            DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(Id);
            object[] arguments = new object[Arguments.Count];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = Arguments[i];
            }

            return Diagnostic.Create(descriptor, Span.ToLocation(FilePath), arguments);
        }
    }
}
