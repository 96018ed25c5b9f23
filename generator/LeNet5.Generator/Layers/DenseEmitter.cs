namespace LeNet5.Generator
{
    /// <summary>
    /// dense: flattens its input (C, H, W order, as torch.flatten); weights [units, in], bias [units]. Dense layers work
    /// on the whole batch at once (rows of <c>inputStride</c> / <c>outputStride</c> floats), so that the weight gradient
    /// is accumulated over the batch in registers and written once, instead of once per image.
    /// </summary>
    internal sealed class DenseEmitter : LayerEmitter
    {
        public static readonly DenseEmitter Instance = new DenseEmitter();

        public override LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report)
            => new LayerShape(new Shape(layer.Size, 1, 1), input.Size, (long)layer.Size * input.Size, layer.Size);

        public override bool WorksOnTheBatch => true;

        public override KernelHelpers Helpers(LayerModel layer) => KernelHelpers.Dot | KernelHelpers.Axpy | KernelHelpers.AddWeightedRows;

        public override string Describe(LayerModel layer)
            => "dense " + layer.Input.Size + " -> " + layer.Output.Size + ", " + ActivationEmitter.Name(layer.Spec.Activation);

        /// <summary>Every unit reads every input, plus its bias.</summary>
        public override LayerCounts Counts(LayerModel layer)
        {
            long multiplyAdds = (long)layer.Input.Size * layer.Output.Size;
            return new LayerCounts(multiplyAdds, multiplyAdds + layer.Output.Size);
        }

        public override void EmitConstants(CodeWriter writer, LayerModel layer)
        {
            writer.Line("public const int " + layer.Identifier + "Units = " + CodeWriter.Int(layer.Spec.Size) + ";");
            writer.Line("public const int " + layer.Identifier + "InputSize = " + CodeWriter.Int(layer.Input.Size) + ";");
        }

        public override void EmitForward(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": " + Describe(layer) + ", for a batch");
            using (writer.Block("private static void " + p + "Forward(float* parameters, float* input, int inputStride, float* output, int outputStride, int batch)"))
            {
                writer.Line("float* weights = parameters + " + p + "WeightOffset;");
                writer.Line("float* biases = parameters + " + p + "BiasOffset;");
                using (writer.Block("for (int image = 0; image < batch; image++)"))
                {
                    writer.Line("float* x = input + (image * inputStride);");
                    writer.Line("float* y = output + (image * outputStride);");
                    using (writer.Block("for (int u = 0; u < " + p + "Units; u++)"))
                    {
                        writer.Line("y[u] = biases[u] + Dot(weights + (u * " + p + "InputSize), x, " + p + "InputSize);");
                    }

                    if (layer.Spec.Activation != ActivationKind.None)
                    {
                        writer.Line();
                        ActivationEmitter.EmitForward(writer, layer.Spec.Activation, "y", p + "Units");
                    }
                }
            }
        }

        public override void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional)
        {
            string p = layer.Identifier;
            writer.Line("// " + layer.Spec.Name + ": backward of " + Describe(layer) + ", for a batch whose output gradients are LargestMapSize apart");
            writer.Line("private static void " + p + "Backward(");
            using (writer.Indented())
            {
                writer.Line("float* parameters,");
                writer.Line("float* gradients,");
                writer.Line("float* input,");
                writer.Line("int inputStride,");
                writer.Line("float* output,");
                writer.Line("int outputStride,");
                writer.Line("float* outputGradient,");
                writer.Line("float* inputGradient,");
                writer.Line("int inputGradientStride,");
                writer.Line("int batch)");
            }

            using (writer.Block())
            {
                writer.Line("float* weights = parameters + " + p + "WeightOffset;");
                writer.Line("float* weightGradients = gradients + " + p + "WeightOffset;");
                writer.Line("float* biasGradients = gradients + " + p + "BiasOffset;");
                using (writer.Block("for (int image = 0; image < batch; image++)"))
                {
                    writer.Line("float* gradient = outputGradient + (image * LargestMapSize);");
                    ActivationEmitter.EmitBackward(writer, layer.Spec.Activation, "gradient", "output + (image * outputStride)", p + "Units");
                    writer.Line("Axpy(1.0f, gradient, biasGradients, " + p + "Units);");
                }

                writer.Line();
                writer.Line("// d weight[u, k] += sum over the batch of d output[image, u] * input[image, k]");
                using (writer.Block("for (int u = 0; u < " + p + "Units; u++)"))
                {
                    writer.Line("AddWeightedRows(weightGradients + (u * " + p + "InputSize), outputGradient + u, LargestMapSize, input, inputStride, " + p + "InputSize, batch);");
                }

                writer.Line();
                if (inputGradientOptional)
                {
                    using (writer.Block("if (inputGradient == null)"))
                    {
                        writer.Line("return;");
                    }

                    writer.Line();
                }

                writer.Line("// d input[image, k] = sum over u of d output[image, u] * weight[u, k]");
                using (writer.Block("for (int image = 0; image < batch; image++)"))
                {
                    writer.Line("float* target = inputGradient + (image * inputGradientStride);");
                    writer.Line("new Span<float>(target, " + p + "InputSize).Clear();");
                    writer.Line("AddWeightedRows(target, outputGradient + (image * LargestMapSize), 1, weights, " + p + "InputSize, " + p + "InputSize, " + p + "Units);");
                }
            }
        }

        /// <summary>Dense layers and convolutions whose kernel covers the input: weights [units, inputs].</summary>
        public override void EmitCurvature(CodeWriter writer, LayerModel layer)
        {
            string p = layer.Identifier;
            using (CurvatureEmitter.OpenWithParameters(writer, layer, "a dense layer: w_ij gets x_j^2 h_i and passes w_ij^2 h_i to input j"))
            using (writer.Block("for (int u = 0; u < " + p + "Units; u++)"))
            {
                writer.Line("float h = outputCurvature[u];");
                writer.Line("float* row = weights + (u * " + p + "InputSize);");
                writer.Line("float* rowCurvature = weightCurvature + (u * " + p + "InputSize);");
                writer.Line("biasCurvature[u] += h;");
                using (writer.Block("for (int j = 0; j < " + p + "InputSize; j++)"))
                {
                    writer.Line("rowCurvature[j] += input[j] * input[j] * h;");
                    using (writer.Block("if (inputCurvature != null)"))
                    {
                        writer.Line("inputCurvature[j] += row[j] * row[j] * h;");
                    }
                }
            }
        }
    }
}
