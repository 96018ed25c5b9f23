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
            writer.Indent();
            writer.Line("ReadOnlySpan<float> parameters,");
            writer.Line("ReadOnlySpan<float> input,");
            writer.Line("ReadOnlySpan<float> activations,");
            writer.Line("ReadOnlySpan<float> logitsCurvature,");
            writer.Line("Span<float> parameterCurvature,");
            writer.Line("Span<float> workspace,");
            writer.Line("int batch)");
            writer.Unindent();
            writer.Open();
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
            writer.Open();
            writer.Line("// the curvature with respect to each layer's output ping-pongs between two slots");
            writer.Line("float* front = w;");
            writer.Line("float* back = w + LargestMapSize;");
            writer.Open("for (int image = 0; image < batch; image++)");
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
            string current = "front";
            for (int index = model.Layers.Count - 1; index >= first && first >= 0; index--)
            {
                LayerModel layer = model.Layers[index];
                string next = current == "front" ? "back" : "front";
                string target = index == first ? "null" : next;
                string layerInput = index == 0 ? "image0" : EntryPointEmitter.Name(model.Layers[index - 1]);
                string output = EntryPointEmitter.Name(layer);
                writer.Line(layer.HasParameters
                    ? layer.Identifier + "Curvature(p, h, " + layerInput + ", " + output + ", " + current + ", " + target + ");"
                    : layer.Spec.Kind == LayerKind.Pad
                        ? layer.Identifier + "Curvature(" + current + ", " + target + ");"
                        : layer.Identifier + "Curvature(" + layerInput + ", " + output + ", " + current + ", " + target + ");");
                current = next;
            }

            writer.Close();
            writer.Close();
            writer.Close();
        }

        /// <summary>Writes <c>LCurvature</c>, or nothing for a layer that comes before every parameter.</summary>
        public static void EmitLayer(CodeWriter writer, LayerModel layer, int firstWithParameters)
        {
            if (firstWithParameters < 0 || layer.Index < firstWithParameters)
            {
                return;
            }

            writer.Line();
            switch (layer.Spec.Kind)
            {
                case LayerKind.Pad: EmitPad(writer, layer); break;
                case LayerKind.Conv2d when FullCoverConv2dEmitter.Applies(layer): EmitDense(writer, layer); break;
                case LayerKind.Conv2d: EmitConv(writer, layer); break;
                case LayerKind.Dense: EmitDense(writer, layer); break;
                case LayerKind.Subsample2d: EmitSubsample(writer, layer); break;
                case LayerKind.Rbf: EmitRbf(writer, layer); break;
                default: EmitPool(writer, layer); break;
            }
        }

        private static void OpenWithParameters(CodeWriter writer, LayerModel layer, string what)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": curvature of " + what);
            writer.Open("private static void " + p + "Curvature(float* parameters, float* curvature, float* input, float* output, float* outputCurvature, float* inputCurvature)");
            ActivationEmitter.EmitCurvature(writer, layer.Spec.Activation, "outputCurvature", "output", p + "OutputSize");
            writer.Line("float* weights = parameters + " + p + "WeightOffset;");
            writer.Line("float* weightCurvature = curvature + " + p + "WeightOffset;");
            writer.Line("float* biasCurvature = curvature + " + p + "BiasOffset;");
            writer.Open("if (inputCurvature != null)");
            writer.Line("new Span<float>(inputCurvature, " + p + "InputChannels * " + p + "InputHeight * " + p + "InputWidth).Clear();");
            writer.Close();
            writer.Line();
        }

        /// <summary>Dense layers and convolutions whose kernel covers the input: weights [units, inputs].</summary>
        private static void EmitDense(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            OpenWithParameters(writer, layer, "a dense layer: w_ij gets x_j^2 h_i and passes w_ij^2 h_i to input j");
            writer.Open("for (int u = 0; u < " + p + "Units; u++)");
            writer.Line("float h = outputCurvature[u];");
            writer.Line("float* row = weights + (u * " + p + "InputSize);");
            writer.Line("float* rowCurvature = weightCurvature + (u * " + p + "InputSize);");
            writer.Line("biasCurvature[u] += h;");
            writer.Open("for (int j = 0; j < " + p + "InputSize; j++)");
            writer.Line("rowCurvature[j] += input[j] * input[j] * h;");
            writer.Open("if (inputCurvature != null)");
            writer.Line("inputCurvature[j] += row[j] * row[j] * h;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
        }

        /// <summary>Convolutions, with or without a connection table, any stride and padding: a weight sums over every position it is used at.</summary>
        private static void EmitConv(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool sparse = layer.Spec.IsSparse;
            OpenWithParameters(writer, layer, "a convolution: each weight gets x^2 h summed over the positions it is used at, and passes w^2 h back to each");
            writer.Line("int mapSize = " + p + "OutputHeight * " + p + "OutputWidth;");
            writer.Line("int planeSize = " + p + "InputHeight * " + p + "InputWidth;");
            if (sparse)
            {
                writer.Line("ReadOnlySpan<int> starts = " + p + "ConnectionStarts;");
                writer.Line("ReadOnlySpan<int> inputs = " + p + "ConnectionInputs;");
            }

            writer.Open("for (int o = 0; o < " + p + "Filters; o++)");
            writer.Line("float* map = outputCurvature + (o * mapSize);");
            writer.Line("biasCurvature[o] += Sum(map, mapSize);");
            if (sparse)
            {
                writer.Open("for (int k = starts[o]; k < starts[o + 1]; k++)");
                writer.Line("int c = inputs[k];");
            }
            else
            {
                writer.Open("for (int c = 0; c < " + p + "InputChannels; c++)");
                writer.Line("int k = (o * " + p + "InputChannels) + c;");
            }

            writer.Line("float* plane = input + (c * planeSize);");
            writer.Line("float* planeCurvature = inputCurvature == null ? null : inputCurvature + (c * planeSize);");
            writer.Open("for (int tap = 0; tap < " + p + "Kernel * " + p + "Kernel; tap++)");
            writer.Line("int ky = tap / " + p + "Kernel;");
            writer.Line("int kx = tap % " + p + "Kernel;");
            writer.Line("float weight = weights[(k * " + p + "Kernel * " + p + "Kernel) + tap];");
            writer.Line("float sum = 0.0f;");
            writer.Open("for (int oy = 0; oy < " + p + "OutputHeight; oy++)");
            writer.Line("int iy = (oy * " + p + "Stride) + ky - " + p + "Padding;");
            writer.Open("if (iy < 0 || iy >= " + p + "InputHeight)");
            writer.Line("continue;");
            writer.Close();
            writer.Line();
            writer.Open("for (int ox = 0; ox < " + p + "OutputWidth; ox++)");
            writer.Line("int ix = (ox * " + p + "Stride) + kx - " + p + "Padding;");
            writer.Open("if (ix < 0 || ix >= " + p + "InputWidth)");
            writer.Line("continue;");
            writer.Close();
            writer.Line();
            writer.Line("float h = map[(oy * " + p + "OutputWidth) + ox];");
            writer.Line("float value = plane[(iy * " + p + "InputWidth) + ix];");
            writer.Line("sum += value * value * h;");
            writer.Open("if (planeCurvature != null)");
            writer.Line("planeCurvature[(iy * " + p + "InputWidth) + ix] += weight * weight * h;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Line("weightCurvature[(k * " + p + "Kernel * " + p + "Kernel) + tap] += sum;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
        }

        private static void EmitSubsample(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            OpenWithParameters(writer, layer, "trainable subsampling: the coefficient gets x^2 h over its windows, each input gets coefficient^2 h");
            writer.Open("for (int c = 0; c < " + p + "OutputChannels; c++)");
            writer.Line("float* plane = input + (c * " + p + "InputHeight * " + p + "InputWidth);");
            writer.Line("float* map = outputCurvature + (c * " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Line("float square = weights[c] * weights[c];");
            writer.Line("float sum = 0.0f;");
            writer.Open("for (int y = 0; y < " + p + "OutputHeight; y++)");
            writer.Open("for (int x = 0; x < " + p + "OutputWidth; x++)");
            writer.Line("float h = map[(y * " + p + "OutputWidth) + x];");
            writer.Open("for (int dy = 0; dy < " + p + "PoolSize; dy++)");
            writer.Open("for (int dx = 0; dx < " + p + "PoolSize; dx++)");
            writer.Line("int at = (((y * " + p + "PoolSize) + dy) * " + p + "InputWidth) + (x * " + p + "PoolSize) + dx;");
            writer.Line("sum += plane[at] * plane[at] * h;");
            writer.Open("if (inputCurvature != null)");
            writer.Line("inputCurvature[(c * " + p + "InputHeight * " + p + "InputWidth) + at] = square * h;");
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Close();
            writer.Line();
            writer.Line("weightCurvature[c] += sum;");
            writer.Line("biasCurvature[c] += Sum(map, " + p + "OutputHeight * " + p + "OutputWidth);");
            writer.Close();
            writer.Close();
        }

        /// <summary>
        /// The rbf output's input curvature is that of the squared distance to the target prototype, 2 per coordinate: the
        /// MAP criterion's first term, a squared error. Its competitive term is left out, as its curvature vanishes when
        /// the nearest prototype is far ahead.
        /// </summary>
        private static void EmitRbf(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": curvature of the squared distance to the target prototype, 2 for every input");
            writer.Open("private static void " + p + "Curvature(float* input, float* output, float* outputCurvature, float* inputCurvature)");
            writer.Line("new Span<float>(inputCurvature, " + p + "InputSize).Fill(2.0f);");
            writer.Close();
        }

        /// <summary>Padding and max pooling pass curvature on like a gradient (their Jacobian entries are 0 or 1); average pooling squares its 1/area.</summary>
        private static void EmitPad(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": curvature passes through like the gradient");
            writer.Open("private static void " + p + "Curvature(float* outputCurvature, float* inputCurvature)");
            writer.Line(p + "Backward(outputCurvature, inputCurvature);");
            writer.Close();
        }

        private static void EmitPool(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            bool max = layer.Spec.Kind == LayerKind.MaxPool2d;
            writer.Line("// " + layer.Spec.Name + (max
                ? ": curvature goes to each window's first maximum, like the gradient"
                : ": each input of a window gets h / area^2"));
            writer.Open("private static void " + p + "Curvature(float* input, float* output, float* outputCurvature, float* inputCurvature)");
            if (layer.Spec.Activation != ActivationKind.None)
            {
                writer.Line("// the backward pass multiplies by f'(a) once more");
                ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "outputCurvature", "output", p + "OutputSize");
            }

            writer.Line(p + "Backward(input, output, outputCurvature, inputCurvature);");
            if (!max)
            {
                writer.Open("for (int j = 0; j < " + p + "InputChannels * " + p + "InputHeight * " + p + "InputWidth; j++)");
                writer.Line("inputCurvature[j] *= 1.0f / (" + p + "PoolSize * " + p + "PoolSize);");
                writer.Close();
            }

            writer.Close();
        }
    }
}
