using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// The batch entry points <c>Infer</c>, <c>ForwardTrain</c> and <c>Backward</c>: check the argument lengths, pin
    /// every span once, and walk the layers. The layer stack is cut into segments: a run of layers that work on the
    /// whole batch (dense layers) is called once per layer; any other run goes image by image, each image through the
    /// whole run, so that its feature maps stay in cache. No code here asks what kind a layer is: each layer's emitter
    /// says whether it works on the batch and which arguments its methods take.
    /// </summary>
    internal static class EntryPointEmitter
    {
        private const string Slot = "LargestMapSize";

        /// <summary>Which of the two ping-pong buffers of the workspace a layer's output (or gradient) goes to.</summary>
        internal enum Half
        {
            Front,
            Back,
        }

        internal static Half Other(Half half) => half == Half.Front ? Half.Back : Half.Front;

        internal static string Pointer(Half half) => half == Half.Front ? "front" : "back";

        private readonly record struct Segment(int First, int Last, bool OnTheBatch);

        /// <summary>A batch of per-image buffers: a base pointer and the distance between two images.</summary>
        private readonly struct Buffer
        {
            private Buffer(string pointer, string stride, bool slot)
            {
                Pointer = pointer;
                Stride = stride;
                IsSlot = slot;
            }

            public string Pointer { get; }

            public string Stride { get; }

            /// <summary>One of the workspace's two ping-pong buffers, whose image pointers are locals.</summary>
            private bool IsSlot { get; }

            /// <summary>This image's slot: the local <c>frontImage</c> / <c>backImage</c> for the two gradient buffers.</summary>
            public string Image => IsSlot ? Pointer + "Image" : CodeWriter.Text($"{Pointer} + (image * {Stride})");

            public static Buffer Of(string pointer, string stride) => new Buffer(pointer, stride, false);

            public static Buffer Of(Half half) => new Buffer(EntryPointEmitter.Pointer(half), Slot, true);
        }

        private static List<Segment> Segments(NetworkModel model)
        {
            var segments = new List<Segment>();
            int first = 0;
            for (int index = 1; index <= model.Layers.Count; index++)
            {
                bool onTheBatch = model.Layers[first].Emitter.WorksOnTheBatch;
                if (index == model.Layers.Count || model.Layers[index].Emitter.WorksOnTheBatch != onTheBatch)
                {
                    segments.Add(new Segment(first, index - 1, onTheBatch));
                    first = index;
                }
            }

            return segments;
        }

        /// <summary>
        /// The arguments of a per-image backward or curvature call, in the one order every layer's method declares them:
        /// parameters and their gradients (or curvatures), input, output, kept values, output gradient, input gradient, scratch.
        /// </summary>
        internal static string Arguments(LayerArguments takes, string parameters, string input, string output, string kept, string gradient, string target, string? scratch)
        {
            var arguments = new List<string>();
            if ((takes & LayerArguments.Parameters) != 0)
            {
                arguments.Add(parameters);
            }

            if ((takes & LayerArguments.Values) != 0)
            {
                arguments.Add(input);
                arguments.Add(output);
            }

            if ((takes & LayerArguments.Kept) != 0)
            {
                arguments.Add(kept);
            }

            arguments.Add(gradient);
            arguments.Add(target);
            if ((takes & LayerArguments.Scratch) != 0 && scratch != null)
            {
                arguments.Add(scratch);
            }

            return string.Join(", ", arguments);
        }

        /// <summary>This image's values a layer kept beside its output (they follow the batch's outputs).</summary>
        internal static string KeptImage(LayerModel layer)
            => CodeWriter.Text($"a + (batch * ({layer.Identifier}ActivationOffset + {layer.Identifier}OutputSize)) + (image * {layer.Identifier}OutputSize)");

        /// <summary>The local that points at this image's outputs of a layer: <c>c1Output</c>, ...</summary>
        internal static string Name(LayerModel layer) => char.ToLowerInvariant(layer.Identifier[0]) + layer.Identifier.Substring(1) + "Output";

        /// <summary>Layer L's training outputs for the whole batch.</summary>
        private static Buffer Activations(LayerModel layer)
            => Buffer.Of(CodeWriter.Text($"a + (batch * {layer.Identifier}ActivationOffset)"), layer.Identifier + "OutputSize");

        private static Buffer TrainingInput(NetworkModel model, int index)
            => index == 0 ? Buffer.Of("x", "InputSize") : Activations(model.Layers[index - 1]);

        private static string ImageInput(NetworkModel model, int index) => index == 0 ? "image0" : Name(model.Layers[index - 1]);

        /// <summary>Writes the batch check and the given length checks at the top of an entry point.</summary>
        internal static void EmitChecks(CodeWriter writer, params string[] checks)
        {
            writer.Line("RequireBatch(batch);");
            foreach (string check in checks)
            {
                writer.Line(check);
            }
        }

        /// <summary>A check that a span holds at least <paramref name="required"/> floats.</summary>
        internal static string Require(string span, string required, string? what = null)
            => CodeWriter.Text($"Require({span}.Length, {required}, nameof({span}), \"{what ?? required}\");");

        public static void EmitInfer(CodeWriter writer, NetworkModel model)
        {
            writer.Line("/// <summary>Inference forward pass: writes <c>batch * ClassCount</c> logits; keeps nothing.</summary>");
            using (writer.Block("public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch)"))
            {
                EmitChecks(
                    writer,
                    Require("parameters", "ParameterCount"),
                    Require("input", "batch * InputSize"),
                    Require("logits", "batch * ClassCount"),
                    Require("workspace", "batch * WorkspaceSize"));
                writer.Line();
                writer.Lines("""
                    fixed (float* p = parameters)
                    fixed (float* x = input)
                    fixed (float* z = logits)
                    fixed (float* w = workspace)
                    """);
                using (writer.Block())
                {
                    writer.Line("// each image's feature maps ping-pong between its slots of two buffers");
                    writer.Line("float* front = w;");
                    writer.Line($"float* back = w + (batch * {Slot});");
                    Buffer current = Buffer.Of("x", "InputSize");
                    Half next = Half.Front;
                    int last = model.Layers.Count - 1;
                    foreach (Segment segment in Segments(model))
                    {
                        writer.Line();
                        using (writer.BlockIf(!segment.OnTheBatch, "for (int image = 0; image < batch; image++)"))
                        {
                            if (!segment.OnTheBatch)
                            {
                                EmitSlots(writer);
                            }

                            for (int index = segment.First; index <= segment.Last; index++)
                            {
                                LayerModel layer = model.Layers[index];
                                Buffer target = index == last ? Buffer.Of("z", "ClassCount") : Buffer.Of(next);
                                string parameters = layer.HasParameters ? "p, " : string.Empty;
                                writer.Line(segment.OnTheBatch
                                    ? CodeWriter.Text($"{layer.Identifier}Forward(p, {current.Pointer}, {current.Stride}, {target.Pointer}, {target.Stride}, batch);")
                                    : CodeWriter.Text($"{layer.Identifier}Forward({parameters}{current.Image}, {target.Image});"));
                                current = target;
                                next = Other(next);
                            }
                        }
                    }
                }
            }

            writer.Line();
        }

        public static void EmitForwardTrain(CodeWriter writer, NetworkModel model)
        {
            writer.Lines("""
                /// <summary>
                /// Training forward pass without training noise (every dropout keeps every unit): see <see cref="ForwardTrainWithNoise"/>.
                /// </summary>
                public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)
                    => ForwardTrainWithNoise(parameters, input, activations, logits, batch, default);

                /// <summary>
                /// Training forward pass: keeps every layer's output in <paramref name="activations"/> (layer L's outputs for the
                /// whole batch start at <c>batch * LActivationOffset</c>, laid out [batch, C, H, W]) and writes the logits.
                /// <paramref name="noise"/> seeds the dropout masks of this step (image i of the batch is image
                /// <c>noise.FirstImage + i</c> of the step); its default keeps every unit.
                /// </summary>
                """);
            using (writer.Block("public static void ForwardTrainWithNoise(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch, " + RuntimeTypes.TrainingNoise + " noise)"))
            {
                EmitChecks(
                    writer,
                    Require("parameters", "ParameterCount"),
                    Require("input", "batch * InputSize"),
                    Require("activations", "batch * ActivationSize"),
                    Require("logits", "batch * ClassCount"));
                writer.Line();
                writer.Lines("""
                    fixed (float* p = parameters)
                    fixed (float* x = input)
                    fixed (float* a = activations)
                    fixed (float* z = logits)
                    """);
                using (writer.Block())
                {
                    foreach (Segment segment in Segments(model))
                    {
                        if (segment.OnTheBatch)
                        {
                            for (int index = segment.First; index <= segment.Last; index++)
                            {
                                LayerModel layer = model.Layers[index];
                                Buffer input = TrainingInput(model, index);
                                Buffer output = Activations(layer);
                                writer.Line($"{layer.Identifier}Forward(p, {input.Pointer}, {input.Stride}, {output.Pointer}, {output.Stride}, batch);");
                            }
                        }
                        else
                        {
                            using (writer.Block("for (int image = 0; image < batch; image++)"))
                            {
                                EmitImagePointers(writer, model, segment);
                                writer.Line();
                                for (int index = segment.First; index <= segment.Last; index++)
                                {
                                    LayerModel layer = model.Layers[index];
                                    string parameters = layer.HasParameters ? "p, " : string.Empty;
                                    writer.Line(layer.Emitter.HasTrainingForward
                                        ? CodeWriter.Text($"{layer.Identifier}ForwardTrain({ImageInput(model, index)}, {Name(layer)}, {KeptImage(layer)}, noise, image);")
                                        : CodeWriter.Text($"{layer.Identifier}Forward({parameters}{ImageInput(model, index)}, {Name(layer)});"));
                                }
                            }
                        }

                        writer.Line();
                    }

                    writer.Line("// the last layer's outputs are the logits, one image after the other");
                    writer.Line($"new ReadOnlySpan<float>({Activations(model.Layers[model.Layers.Count - 1]).Pointer}, batch * ClassCount).CopyTo(logits);");
                }
            }

            writer.Line();
        }

        /// <summary>Pointers to this image's input of the segment and to its outputs of every layer of the segment.</summary>
        private static void EmitImagePointers(CodeWriter writer, NetworkModel model, Segment segment)
        {
            if (segment.First == 0)
            {
                writer.Line("float* image0 = x + (image * InputSize);");
            }
            else
            {
                LayerModel previous = model.Layers[segment.First - 1];
                writer.Line($"float* {Name(previous)} = {Activations(previous).Image};");
            }

            for (int index = segment.First; index <= segment.Last; index++)
            {
                LayerModel layer = model.Layers[index];
                writer.Line($"float* {Name(layer)} = {Activations(layer).Image};");
            }
        }

        private static void EmitSlots(CodeWriter writer)
        {
            writer.Line($"float* frontImage = front + (image * {Slot});");
            writer.Line($"float* backImage = back + (image * {Slot});");
        }

        public static void EmitBackward(CodeWriter writer, NetworkModel model)
        {
            int firstWithParameters = NetworkEmitter.FirstWithParameters(model);
            writer.Lines("""
                /// <summary>
                /// Backward pass for the batch last run through <see cref="ForwardTrain"/>: adds every parameter's gradient into
                /// <paramref name="parameterGradients"/> and writes the input gradient into <paramref name="inputGradient"/> unless it is empty.
                /// </summary>
                public static void Backward(
                    ReadOnlySpan<float> parameters,
                    ReadOnlySpan<float> input,
                    ReadOnlySpan<float> activations,
                    ReadOnlySpan<float> logitsGradient,
                    Span<float> parameterGradients,
                    Span<float> inputGradient,
                    Span<float> workspace,
                    int batch)
                """);
            using (writer.Block())
            {
                EmitChecks(
                    writer,
                    Require("parameters", "ParameterCount"),
                    Require("input", "batch * InputSize"),
                    Require("activations", "batch * ActivationSize"),
                    Require("logitsGradient", "batch * ClassCount"),
                    Require("parameterGradients", "ParameterCount"),
                    Require("workspace", "batch * WorkspaceSize"));
                writer.Line("bool wantsInputGradient = !inputGradient.IsEmpty;");
                using (writer.Block("if (wantsInputGradient)"))
                {
                    writer.Line(Require("inputGradient", "batch * InputSize", "batch * InputSize (or empty)"));
                }

                writer.Line();
                writer.Lines("""
                    fixed (float* p = parameters)
                    fixed (float* x = input)
                    fixed (float* a = activations)
                    fixed (float* dz = logitsGradient)
                    fixed (float* g = parameterGradients)
                    fixed (float* dx = inputGradient)
                    fixed (float* w = workspace)
                    """);
                using (writer.Block())
                {
                    writer.Line("// the gradient with respect to each layer's output: each image's ping-pongs between its slots of two buffers");
                    writer.Line("float* front = w;");
                    writer.Line($"float* back = w + (batch * {Slot});");
                    writer.Line($"float* scratch = w + (2 * batch * {Slot});");
                    using (writer.Block("for (int image = 0; image < batch; image++)"))
                    {
                        writer.Line($"new ReadOnlySpan<float>(dz + (image * ClassCount), ClassCount).CopyTo(new Span<float>(front + (image * {Slot}), ClassCount));");
                    }

                    Half current = Half.Front;
                    List<Segment> segments = Segments(model);
                    for (int s = segments.Count - 1; s >= 0; s--)
                    {
                        writer.Line();
                        current = segments[s].OnTheBatch
                            ? EmitBatchBackward(writer, model, segments[s], current, firstWithParameters)
                            : EmitImageBackward(writer, model, segments[s], current, firstWithParameters);
                    }
                }
            }
        }

        /// <summary>Calls each layer of a segment that works on the batch, last first; returns where the last gradient went.</summary>
        private static Half EmitBatchBackward(CodeWriter writer, NetworkModel model, Segment segment, Half current, int firstWithParameters)
        {
            for (int index = segment.Last; index >= segment.First; index--)
            {
                LayerModel layer = model.Layers[index];
                Half next = Other(current);
                Buffer input = TrainingInput(model, index);
                Buffer output = Activations(layer);
                Buffer target = index == 0 ? Buffer.Of("dx", "InputSize") : Buffer.Of(next);
                string targetPointer = index == firstWithParameters ? "wantsInputGradient ? " + target.Pointer + " : null" : target.Pointer;
                writer.Line($"{layer.Identifier}Backward(p, g, {input.Pointer}, {input.Stride}, {output.Pointer}, {output.Stride}, {Pointer(current)}, {targetPointer}, {target.Stride}, batch);");
                current = next;
            }

            return current;
        }

        /// <summary>
        /// Takes each image through a segment's layers, last first; the layers before the first with parameters only run
        /// when the input gradient is wanted. Returns where the last gradient went.
        /// </summary>
        private static Half EmitImageBackward(CodeWriter writer, NetworkModel model, Segment segment, Half current, int firstWithParameters)
        {
            bool allOptional = firstWithParameters < 0 || segment.Last < firstWithParameters;
            int optionalFrom = allOptional ? segment.First - 1 : firstWithParameters - 1;
            using (writer.BlockIf(allOptional, "if (wantsInputGradient)"))
            using (writer.Block("for (int image = 0; image < batch; image++)"))
            {
                EmitImagePointers(writer, model, segment);
                EmitSlots(writer);
                writer.Line();
                for (int index = segment.Last; index > optionalFrom && index >= segment.First; index--)
                {
                    current = EmitImageBackwardCall(writer, model, index, current, firstWithParameters);
                }

                if (optionalFrom >= segment.First)
                {
                    writer.Line();
                    using (writer.Block("if (wantsInputGradient)"))
                    {
                        for (int index = optionalFrom; index >= segment.First; index--)
                        {
                            current = EmitImageBackwardCall(writer, model, index, current, firstWithParameters);
                        }
                    }
                }
            }

            return current;
        }

        private static Half EmitImageBackwardCall(CodeWriter writer, NetworkModel model, int index, Half current, int firstWithParameters)
        {
            LayerModel layer = model.Layers[index];
            Half next = Other(current);
            string gradient = Buffer.Of(current).Image;
            string target = index == 0 ? Buffer.Of("dx", "InputSize").Image : Buffer.Of(next).Image;
            if (index == firstWithParameters)
            {
                target = "wantsInputGradient ? " + target + " : null";
            }

            writer.Line(layer.Identifier + "Backward("
                + Arguments(layer.Emitter.BackwardArguments(layer), "p, g", ImageInput(model, index), Name(layer), KeptImage(layer), gradient, target, "scratch") + ");");
            return next;
        }
    }
}
