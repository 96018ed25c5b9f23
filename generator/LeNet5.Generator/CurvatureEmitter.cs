namespace LeNet5.Generator
{
    /// <summary>
    /// The second-order backward pass of LeCun et al. 1998, appendix C: <c>BackwardCurvature</c> and one
    /// <c>LCurvature</c> method per layer. Second derivatives travel backwards like gradients with every Jacobian entry
    /// squared (the Gauss-Newton approximation: terms in f'' and off the diagonal are dropped). It runs on a few hundred
    /// images per epoch to set the step sizes of the sdlm optimizer, so it is plain scalar code, one image at a time.
    /// </summary>
    internal static class CurvatureEmitter
    {
        public static void EmitEntryPoint(CodeWriter writer, NetworkModel model)
        {
            int first = NetworkEmitter.FirstWithParameters(model);
            writer.Line("/// <summary>");
            writer.Line("/// Second-order backward pass for the batch last run through <see cref=\"ForwardTrain\"/>: adds every parameter's");
            writer.Line("/// Gauss-Newton second derivative, image by image, into <paramref name=\"parameterCurvature\"/>.");
            writer.Line("/// </summary>");
            writer.Line("public static void BackwardCurvature(");
            using (writer.Indented())
            {
                writer.Line("ReadOnlySpan<float> parameters,");
                writer.Line("ReadOnlySpan<float> input,");
                writer.Line("ReadOnlySpan<float> activations,");
                writer.Line("ReadOnlySpan<float> logitsCurvature,");
                writer.Line("Span<float> parameterCurvature,");
                writer.Line("Span<float> workspace,");
                writer.Line("int batch)");
            }

            using (writer.Block())
            {
                EntryPointEmitter.EmitChecks(
                    writer,
                    "Require(parameters.Length, ParameterCount, nameof(parameters), \"ParameterCount\");",
                    "Require(input.Length, batch * InputSize, nameof(input), \"batch * InputSize\");",
                    "Require(activations.Length, batch * ActivationSize, nameof(activations), \"batch * ActivationSize\");",
                    "Require(logitsCurvature.Length, batch * ClassCount, nameof(logitsCurvature), \"batch * ClassCount\");",
                    "Require(parameterCurvature.Length, ParameterCount, nameof(parameterCurvature), \"ParameterCount\");",
                    "Require(workspace.Length, WorkspaceSize, nameof(workspace), \"WorkspaceSize\");");
                writer.Line();
                writer.Line("fixed (float* p = parameters)");
                writer.Line("fixed (float* x = input)");
                writer.Line("fixed (float* a = activations)");
                writer.Line("fixed (float* dz2 = logitsCurvature)");
                writer.Line("fixed (float* h = parameterCurvature)");
                writer.Line("fixed (float* w = workspace)");
                using (writer.Block())
                {
                    writer.Line("// the curvature with respect to each layer's output ping-pongs between two slots");
                    writer.Line("float* front = w;");
                    writer.Line("float* back = w + LargestMapSize;");
                    using (writer.Block("for (int image = 0; image < batch; image++)"))
                    {
                        if (first == 0)
                        {
                            writer.Line("float* image0 = x + (image * InputSize);");
                        }

                        for (int index = System.Math.Max(first - 1, 0); index < model.Layers.Count; index++)
                        {
                            LayerModel layer = model.Layers[index];
                            writer.Line("float* " + EntryPointEmitter.Name(layer) + " = a + (batch * " + layer.Identifier + "ActivationOffset) + (image * " + layer.Identifier + "OutputSize);");
                        }

                        writer.Line("new ReadOnlySpan<float>(dz2 + (image * ClassCount), ClassCount).CopyTo(new Span<float>(front, ClassCount));");
                        EntryPointEmitter.Half current = EntryPointEmitter.Half.Front;
                        for (int index = model.Layers.Count - 1; index >= first && first >= 0; index--)
                        {
                            LayerModel layer = model.Layers[index];
                            EntryPointEmitter.Half next = EntryPointEmitter.Other(current);
                            string target = index == first ? "null" : EntryPointEmitter.Pointer(next);
                            string layerInput = index == 0 ? "image0" : EntryPointEmitter.Name(model.Layers[index - 1]);
                            string output = EntryPointEmitter.Name(layer);
                            writer.Line(layer.Identifier + "Curvature(" + EntryPointEmitter.Arguments(
                                layer.Emitter.CurvatureArguments(layer), "p, h", layerInput, output, EntryPointEmitter.KeptImage(layer), EntryPointEmitter.Pointer(current), target, null) + ");");
                            current = next;
                        }
                    }
                }
            }
        }

        /// <summary>Writes <c>LCurvature</c>, or nothing for a layer that comes before every parameter.</summary>
        public static void EmitLayer(CodeWriter writer, LayerModel layer, int firstWithParameters)
        {
            if (firstWithParameters < 0 || layer.Index < firstWithParameters)
            {
                return;
            }

            writer.Line();
            layer.Emitter.EmitCurvature(writer, layer);
        }

        /// <summary>Opens <c>LCurvature</c> of a layer with parameters: the activation's f'(a)^2, the pointers, the input curvature cleared.</summary>
        internal static CodeWriter.Scope OpenWithParameters(CodeWriter writer, LayerModel layer, string what)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": curvature of " + what);
            CodeWriter.Scope method = writer.Block("private static void " + p + "Curvature(float* parameters, float* curvature, float* input, float* output, float* outputCurvature, float* inputCurvature)");
            ActivationEmitter.EmitCurvature(writer, layer.Spec.Activation, "outputCurvature", "output", p + "OutputSize");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightCurvature = curvature + " + p + "WeightOffset;");
            writer.Line("float* biasCurvature = curvature + " + p + "BiasOffset;");
            using (writer.Block("if (inputCurvature != null)"))
            {
                writer.Line("new Span<float>(inputCurvature, " + p + "InputChannels * " + p + "InputHeight * " + p + "InputWidth).Clear();");
            }

            writer.Line();
            return method;
        }
    }
}
