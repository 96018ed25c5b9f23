using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// Which input maps each filter of a conv2d reads: all of them (weights [filters, in, k, k]), or those listed in its
    /// connection table (LeCun et al. 1998, C3; weights packed one k x k kernel per connection, filter by filter in table
    /// order, tensor shape [connections, k, k]). Writes the table as static data and the loops that visit a filter's input
    /// maps, or an input map's filters, binding the offset of the kernel that joins them: every conv kernel of
    /// <see cref="Conv2dEmitter"/> runs over these loops, so a table costs neither parameters nor multiplies for the
    /// connections it leaves out.
    /// </summary>
    internal static class ConvConnections
    {
        public static int Count(LayerSpec spec)
        {
            int count = 0;
            foreach (EquatableArray<int> row in spec.Connections)
            {
                count += row.Count;
            }

            return count;
        }

        /// <summary>
        /// The table by filter (where each connection's kernel is packed) and the same connections by input map, for the
        /// input gradient, which gathers into each input map from the filters that read it.
        /// </summary>
        public static void EmitTables(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            LayerSpec spec = layer.Spec;
            var starts = new int[spec.Size + 1];
            var inputs = new List<int>();
            for (int o = 0; o < spec.Size; o++)
            {
                starts[o] = inputs.Count;
                inputs.AddRange(spec.Connections[o]);
            }

            starts[spec.Size] = inputs.Count;
            var readerStarts = new int[layer.Input.Channels + 1];
            var readerFilters = new List<int>();
            var readerConnections = new List<int>();
            for (int i = 0; i < layer.Input.Channels; i++)
            {
                readerStarts[i] = readerConnections.Count;
                for (int o = 0; o < spec.Size; o++)
                {
                    for (int connection = starts[o]; connection < starts[o + 1]; connection++)
                    {
                        if (inputs[connection] == i)
                        {
                            readerFilters.Add(o);
                            readerConnections.Add(connection);
                        }
                    }
                }
            }

            readerStarts[layer.Input.Channels] = readerConnections.Count;
            writer.Line("// " + spec.Name + ": filter o reads input maps " + p + "ConnectionInputs[" + p + "ConnectionStarts[o] .. " + p + "ConnectionStarts[o + 1]], whose kernels are packed in the same order");
            writer.Line("private static ReadOnlySpan<int> " + p + "ConnectionStarts => new int[] { " + CodeWriter.Ints(starts) + " };");
            writer.Line("private static ReadOnlySpan<int> " + p + "ConnectionInputs => new int[] { " + CodeWriter.Ints(inputs) + " };");
            writer.Line("// " + spec.Name + ": input map i is read by filters " + p + "ReaderFilters[" + p + "ReaderStarts[i] .. " + p + "ReaderStarts[i + 1]], through connections " + p + "ReaderConnections[..]");
            writer.Line("private static ReadOnlySpan<int> " + p + "ReaderStarts => new int[] { " + CodeWriter.Ints(readerStarts) + " };");
            writer.Line("private static ReadOnlySpan<int> " + p + "ReaderFilters => new int[] { " + CodeWriter.Ints(readerFilters) + " };");
            writer.Line("private static ReadOnlySpan<int> " + p + "ReaderConnections => new int[] { " + CodeWriter.Ints(readerConnections) + " };");
        }

        /// <summary>
        /// Opens the loop over the input maps i that filter o reads; with a connection table it runs over o's entries and
        /// also binds <c>connection</c>, the entry's index.
        /// </summary>
        public static CodeWriter.Scope InputMapLoop(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            string table = $"for (int connection = {p}ConnectionStarts[o]; connection < {p}ConnectionStarts[o + 1]; connection++)";
            return Loop(writer, layer, $"for (int i = 0; i < {p}InputChannels; i++)", table, $"int i = {p}ConnectionInputs[connection];");
        }

        /// <summary>
        /// Opens the loop over the filters o that read input map i, in increasing order; with a connection table it runs
        /// over i's readers and also binds <c>connection</c>.
        /// </summary>
        public static CodeWriter.Scope FilterLoop(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            string[] bindings = { $"int o = {p}ReaderFilters[reader];", $"int connection = {p}ReaderConnections[reader];" };
            return Loop(writer, layer, $"for (int o = 0; o < {p}Filters; o++)", $"for (int reader = {p}ReaderStarts[i]; reader < {p}ReaderStarts[i + 1]; reader++)", bindings);
        }

        /// <summary>A loop over all maps, or over a connection table's entries binding the map (and connection) of each.</summary>
        private static CodeWriter.Scope Loop(CodeWriter writer, LayerModel layer, string all, string table, params string[] bindings)
        {
            if (!layer.Spec.IsSparse)
            {
                return writer.Block(all);
            }

            CodeWriter.Scope loop = writer.Block(table);
            foreach (string binding in bindings)
            {
                writer.Line(binding);
            }

            return loop;
        }

        /// <summary>
        /// Opens the loop over pairs of filters o0, o1 that read input map i (binding connection0 and connection1 with a
        /// table); <see cref="LeftoverFilter"/> then takes the one left over.
        /// </summary>
        public static CodeWriter.Scope FilterPairLoop(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            if (!layer.Spec.IsSparse)
            {
                CodeWriter.Scope pairs = writer.Block("for (int o0 = 0; o0 < " + p + "Filters - 1; o0 += 2)");
                writer.Line("int o1 = o0 + 1;");
                return pairs;
            }

            writer.Line("int reader = " + p + "ReaderStarts[i];");
            CodeWriter.Scope loop = writer.Block("for (; reader < " + p + "ReaderStarts[i + 1] - 1; reader += 2)");
            for (int f = 0; f < 2; f++)
            {
                string at = f == 0 ? "reader" : "reader + 1";
                writer.Line("int o" + f + " = " + p + "ReaderFilters[" + at + "];");
                writer.Line("int connection" + f + " = " + p + "ReaderConnections[" + at + "];");
            }

            return loop;
        }

        /// <summary>The loop over the maps a correlation reads: the filters reading input map i (an input gradient) or the input maps filter o reads.</summary>
        public static CodeWriter.Scope SourceLoop(CodeWriter writer, LayerModel layer, bool filters)
            => filters ? FilterLoop(writer, layer) : InputMapLoop(writer, layer);

        /// <summary>Whether input map i can have a filter left over by <see cref="FilterPairLoop"/> (an odd count of readers).</summary>
        public static bool HasLeftoverFilter(LayerModel layer) => layer.Spec.IsSparse || layer.Spec.Size % 2 != 0;

        /// <summary>
        /// After the loop of <see cref="FilterPairLoop"/>, when <see cref="HasLeftoverFilter"/>: the block for the filter
        /// o0 (connection0) left over when input map i has an odd number of readers.
        /// </summary>
        public static CodeWriter.Scope LeftoverFilter(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            if (!layer.Spec.IsSparse)
            {
                writer.Line("// the last filter, left over");
                CodeWriter.Scope last = writer.Block();
                writer.Line("int o0 = " + p + "Filters - 1;");
                return last;
            }

            CodeWriter.Scope leftover = writer.Block("if (reader < " + p + "ReaderStarts[i + 1])");
            writer.Line("int o0 = " + p + "ReaderFilters[reader];");
            writer.Line("int connection0 = " + p + "ReaderConnections[reader];");
            return leftover;
        }

        /// <summary>
        /// Offset in the weights of the k x k kernel joining <paramref name="filter"/> to input map i, inside one of the
        /// loops above; with a table, the kernel of <paramref name="connection"/>.
        /// </summary>
        public static string KernelOffset(LayerModel layer, string filter = "o", string connection = "connection")
        {
            string p = layer.Identifier;
            return layer.Spec.IsSparse
                ? "(" + connection + " * " + p + "Kernel * " + p + "Kernel)"
                : "(((" + filter + " * " + p + "InputChannels) + i) * " + p + "Kernel * " + p + "Kernel)";
        }
    }
}
