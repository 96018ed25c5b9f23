using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// The batch entry points <c>Infer</c>, <c>ForwardTrain</c> and <c>Backward</c>: check the argument lengths, pin
    /// every span once, and walk the layers. The layer stack is cut into segments: a run of dense layers works on the
    /// whole batch at once (one call per layer); any other run goes image by image, each image through the whole run,
    /// so that its feature maps stay in cache.
    /// </summary>
    internal static class EntryPointEmitter
    {
        private const string Slot = "LargestMapSize";

        private readonly struct Segment
        {
            public Segment(int first, int last, bool dense)
            {
                First = first;
                Last = last;
                Dense = dense;
            }

            public int First { get; }

            public int Last { get; }

            public bool Dense { get; }
        }

        /// <summary>A batch of per-image buffers: a base pointer and the distance between two images.</summary>
        private readonly struct Buffer
        {
            public Buffer(string pointer, string stride)
            {
                Pointer = pointer;
                Stride = stride;
            }

            public string Pointer { get; }

            public string Stride { get; }

            /// <summary>This image's slot: the local <c>frontImage</c> / <c>backImage</c> for the two gradient buffers.</summary>
            public string Image => Stride == Slot ? Pointer + "Image" : Pointer + " + (image * " + Stride + ")";
        }

        private static List<Segment> Segments(NetworkModel model)
        {
            var segments = new List<Segment>();
            int first = 0;
            for (int index = 1; index <= model.Layers.Count; index++)
            {
                bool dense = WorksOnTheBatch(model.Layers[first]);
                if (index == model.Layers.Count || WorksOnTheBatch(model.Layers[index]) != dense)
                {
                    segments.Add(new Segment(first, index - 1, dense));
                    first = index;
                }
            }

            return segments;
        }

        /// <summary>Dense layers, and convolutions emitted as dense layers because their kernel covers the input.</summary>
        private static bool WorksOnTheBatch(LayerModel layer) => layer.Emitter.WorksOnTheBatch;

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
            => "a + (batch * (" + layer.Identifier + "ActivationOffset + " + layer.Identifier + "OutputSize)) + (image * " + layer.Identifier + "OutputSize)";

        /// <summary>The local that points at this image's outputs of a layer: <c>c1Output</c>, ...</summary>
        internal static string Name(LayerModel layer) => char.ToLowerInvariant(layer.Identifier[0]) + layer.Identifier.Substring(1) + "Output";

        /// <summary>Layer L's training outputs for the whole batch.</summary>
        private static Buffer Activations(LayerModel layer)
            => new Buffer("a + (batch * " + layer.Identifier + "ActivationOffset)", layer.Identifier + "OutputSize");

        private static Buffer TrainingInput(NetworkModel model, int index)
            => index == 0 ? new Buffer("x", "InputSize") : Activations(model.Layers[index - 1]);

        /// <summary>Writes the batch check and the given length checks at the top of an entry point.</summary>
        internal static void EmitChecks(CodeWriter writer, params string[] checks)
        {
            writer.Line("RequireBatch(batch);");
            foreach (string check in checks)
            {
                writer.Line(check);
            }
        }

        public static void EmitInfer(CodeWriter writer, NetworkModel model)
        {
            writer.Line("/// <summary>Inference forward pass: writes <c>batch * ClassCount</c> logits; keeps nothing.</summary>");
            writer.Open("public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch)");
            EmitChecks(
                writer,
                "Require(parameters.Length, ParameterCount, nameof(parameters), \"ParameterCount\");",
                "Require(input.Length, batch * InputSize, nameof(input), \"batch * InputSize\");",
                "Require(logits.Length, batch * ClassCount, nameof(logits), \"batch * ClassCount\");",
                "Require(workspace.Length, batch * WorkspaceSize, nameof(workspace), \"batch * WorkspaceSize\");");
            writer.Line();
            writer.Line("fixed (float* p = parameters)");
            writer.Line("fixed (float* x = input)");
            writer.Line("fixed (float* z = logits)");
            writer.Line("fixed (float* w = workspace)");
            writer.Open();
            writer.Line("// each image's feature maps ping-pong between its slots of two buffers");
            writer.Line("float* front = w;");
            writer.Line("float* back = w + (batch * " + Slot + ");");
            var current = new Buffer("x", "InputSize");
            string next = "front";
            int last = model.Layers.Count - 1;
            foreach (Segment segment in Segments(model))
            {
                writer.Line();
                if (!segment.Dense)
                {
                    writer.Open("for (int image = 0; image < batch; image++)");
                    EmitSlots(writer);
                }

                for (int index = segment.First; index <= segment.Last; index++)
                {
                    LayerModel layer = model.Layers[index];
                    Buffer target = index == last ? new Buffer("z", "ClassCount") : new Buffer(next, Slot);
                    string parameters = layer.HasParameters ? "p, " : string.Empty;
                    writer.Line(segment.Dense
                        ? layer.Identifier + "Forward(p, " + current.Pointer + ", " + current.Stride + ", " + target.Pointer + ", " + target.Stride + ", batch);"
                        : layer.Identifier + "Forward(" + parameters + current.Image + ", " + target.Image + ");");
                    current = target;
                    next = next == "front" ? "back" : "front";
                }

                if (!segment.Dense)
                {
                    writer.Close();
                }
            }

            writer.Close();
            writer.Close();
            writer.Line();
        }

        public static void EmitForwardTrain(CodeWriter writer, NetworkModel model)
        {
            writer.Line("/// <summary>");
            writer.Line("/// Training forward pass: keeps every layer's output in <paramref name=\"activations\"/> (layer L's outputs for the");
            writer.Line("/// whole batch start at <c>batch * LActivationOffset</c>, laid out [batch, C, H, W]) and writes the logits.");
            writer.Line("/// </summary>");
            writer.Open("public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)");
            EmitChecks(
                writer,
                "Require(parameters.Length, ParameterCount, nameof(parameters), \"ParameterCount\");",
                "Require(input.Length, batch * InputSize, nameof(input), \"batch * InputSize\");",
                "Require(activations.Length, batch * ActivationSize, nameof(activations), \"batch * ActivationSize\");",
                "Require(logits.Length, batch * ClassCount, nameof(logits), \"batch * ClassCount\");");
            writer.Line();
            writer.Line("fixed (float* p = parameters)");
            writer.Line("fixed (float* x = input)");
            writer.Line("fixed (float* a = activations)");
            writer.Line("fixed (float* z = logits)");
            writer.Open();
            foreach (Segment segment in Segments(model))
            {
                if (segment.Dense)
                {
                    for (int index = segment.First; index <= segment.Last; index++)
                    {
                        LayerModel layer = model.Layers[index];
                        Buffer input = TrainingInput(model, index);
                        Buffer output = Activations(layer);
                        writer.Line(layer.Identifier + "Forward(p, " + input.Pointer + ", " + input.Stride + ", " + output.Pointer + ", " + output.Stride + ", batch);");
                    }
                }
                else
                {
                    writer.Open("for (int image = 0; image < batch; image++)");
                    EmitImagePointers(writer, model, segment);
                    writer.Line();
                    for (int index = segment.First; index <= segment.Last; index++)
                    {
                        LayerModel layer = model.Layers[index];
                        string parameters = layer.HasParameters ? "p, " : string.Empty;
                        writer.Line(layer.Identifier + "Forward(" + parameters + ImageInput(model, index) + ", " + Name(layer) + ");");
                    }

                    writer.Close();
                }

                writer.Line();
            }

            writer.Line("// the last layer's outputs are the logits, one image after the other");
            writer.Line("new ReadOnlySpan<float>(" + Activations(model.Layers[model.Layers.Count - 1]).Pointer + ", batch * ClassCount).CopyTo(logits);");
            writer.Close();
            writer.Close();
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
                writer.Line("float* " + Name(previous) + " = " + Activations(previous).Image + ";");
            }

            for (int index = segment.First; index <= segment.Last; index++)
            {
                LayerModel layer = model.Layers[index];
                writer.Line("float* " + Name(layer) + " = " + Activations(layer).Image + ";");
            }
        }

        private static void EmitSlots(CodeWriter writer)
        {
            writer.Line("float* frontImage = front + (image * " + Slot + ");");
            writer.Line("float* backImage = back + (image * " + Slot + ");");
        }

        private static string ImageInput(NetworkModel model, int index) => index == 0 ? "image0" : Name(model.Layers[index - 1]);

        public static void EmitBackward(CodeWriter writer, NetworkModel model)
        {
            int firstWithParameters = NetworkEmitter.FirstWithParameters(model);
            writer.Line("/// <summary>");
            writer.Line("/// Backward pass for the batch last run through <see cref=\"ForwardTrain\"/>: adds every parameter's gradient into");
            writer.Line("/// <paramref name=\"parameterGradients\"/> and writes the input gradient into <paramref name=\"inputGradient\"/> unless it is empty.");
            writer.Line("/// </summary>");
            writer.Line("public static void Backward(");
            writer.Indent();
            writer.Line("ReadOnlySpan<float> parameters,");
            writer.Line("ReadOnlySpan<float> input,");
            writer.Line("ReadOnlySpan<float> activations,");
            writer.Line("ReadOnlySpan<float> logitsGradient,");
            writer.Line("Span<float> parameterGradients,");
            writer.Line("Span<float> inputGradient,");
            writer.Line("Span<float> workspace,");
            writer.Line("int batch)");
            writer.Unindent();
            writer.Open();
            EmitChecks(
                writer,
                "Require(parameters.Length, ParameterCount, nameof(parameters), \"ParameterCount\");",
                "Require(input.Length, batch * InputSize, nameof(input), \"batch * InputSize\");",
                "Require(activations.Length, batch * ActivationSize, nameof(activations), \"batch * ActivationSize\");",
                "Require(logitsGradient.Length, batch * ClassCount, nameof(logitsGradient), \"batch * ClassCount\");",
                "Require(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");",
                "Require(workspace.Length, batch * WorkspaceSize, nameof(workspace), \"batch * WorkspaceSize\");");
            writer.Line("bool wantsInputGradient = !inputGradient.IsEmpty;");
            writer.Open("if (wantsInputGradient)");
            writer.Line("Require(inputGradient.Length, batch * InputSize, nameof(inputGradient), \"batch * InputSize (or empty)\");");
            writer.Close();
            writer.Line();
            writer.Line("fixed (float* p = parameters)");
            writer.Line("fixed (float* x = input)");
            writer.Line("fixed (float* a = activations)");
            writer.Line("fixed (float* dz = logitsGradient)");
            writer.Line("fixed (float* g = parameterGradients)");
            writer.Line("fixed (float* dx = inputGradient)");
            writer.Line("fixed (float* w = workspace)");
            writer.Open();
            writer.Line("// the gradient with respect to each layer's output: each image's ping-pongs between its slots of two buffers");
            writer.Line("float* front = w;");
            writer.Line("float* back = w + (batch * " + Slot + ");");
            writer.Line("float* scratch = w + (2 * batch * " + Slot + ");");
            writer.Open("for (int image = 0; image < batch; image++)");
            writer.Line("new ReadOnlySpan<float>(dz + (image * ClassCount), ClassCount).CopyTo(new Span<float>(front + (image * " + Slot + "), ClassCount));");
            writer.Close();

            string current = "front";
            List<Segment> segments = Segments(model);
            for (int s = segments.Count - 1; s >= 0; s--)
            {
                Segment segment = segments[s];
                writer.Line();
                if (segment.Dense)
                {
                    for (int index = segment.Last; index >= segment.First; index--)
                    {
                        LayerModel layer = model.Layers[index];
                        string next = current == "front" ? "back" : "front";
                        Buffer input = TrainingInput(model, index);
                        Buffer output = Activations(layer);
                        Buffer target = index == 0 ? new Buffer("dx", "InputSize") : new Buffer(next, Slot);
                        string targetPointer = index == firstWithParameters ? "wantsInputGradient ? " + target.Pointer + " : null" : target.Pointer;
                        writer.Line(layer.Identifier + "Backward(p, g, " + input.Pointer + ", " + input.Stride + ", " + output.Pointer + ", " + output.Stride
                            + ", " + current + ", " + targetPointer + ", " + target.Stride + ", batch);");
                        current = next;
                    }

                    continue;
                }

                bool allOptional = firstWithParameters < 0 || segment.Last < firstWithParameters;
                if (allOptional)
                {
                    writer.Open("if (wantsInputGradient)");
                }

                writer.Open("for (int image = 0; image < batch; image++)");
                EmitImagePointers(writer, model, segment);
                EmitSlots(writer);
                writer.Line();
                bool inOptionalBlock = false;
                for (int index = segment.Last; index >= segment.First; index--)
                {
                    LayerModel layer = model.Layers[index];
                    string next = current == "front" ? "back" : "front";
                    string gradient = new Buffer(current, Slot).Image;
                    string target = index == 0 ? new Buffer("dx", "InputSize").Image : new Buffer(next, Slot).Image;
                    if (!allOptional && (firstWithParameters < 0 || index < firstWithParameters) && !inOptionalBlock)
                    {
                        writer.Line();
                        writer.Open("if (wantsInputGradient)");
                        inOptionalBlock = true;
                    }
                    else if (index == firstWithParameters)
                    {
                        target = "wantsInputGradient ? " + target + " : null";
                    }

                    string input = ImageInput(model, index);
                    string output = Name(layer);
                    writer.Line(layer.Identifier + "Backward(" + Arguments(layer.Emitter.BackwardArguments(layer), "p, g", input, output, KeptImage(layer), gradient, target, "scratch") + ");");
                    current = next;
                }

                if (inOptionalBlock)
                {
                    writer.Close();
                }

                writer.Close();
                if (allOptional)
                {
                    writer.Close();
                }
            }

            writer.Close();
            writer.Close();
        }
    }
}
