using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>
    /// One parameter tensor as PyTorch's <c>state_dict</c> names it: where it starts in the flat parameter buffer, and each
    /// dimension both as the constant the generated code uses and as its value (which checks embedded weights).
    /// </summary>
    internal sealed record TensorLayout(string Name, string OffsetConstant, int Offset, EquatableArray<string> DimensionConstants, EquatableArray<int> Dimensions)
    {
        public long Length
        {
            get
            {
                long length = 1;
                foreach (int dimension in Dimensions)
                {
                    length *= dimension;
                }

                return length;
            }
        }

        /// <summary>The shape as safetensors headers and runtime messages write it, for example <c>[6, 1, 5, 5]</c>.</summary>
        public string ShapeText => "[" + string.Join(", ", Dimensions) + "]";
    }

    /// <summary>The parameter tensors of a network in <c>state_dict</c> order: per layer with parameters, its weight, then its bias.</summary>
    internal static class ParameterLayout
    {
        public static List<TensorLayout> Of(NetworkModel model)
        {
            var tensors = new List<TensorLayout>();
            foreach (LayerModel layer in model.Layers)
            {
                if (!layer.HasParameters)
                {
                    continue;
                }

                string p = layer.Identifier;
                LayerSpec spec = layer.Spec;
                var weight = new List<(string Constant, int Value)>(layer.Emitter.WeightDimensions(layer));
                (string Constant, int Value) bias = layer.Emitter.BiasDimension(layer);
                tensors.Add(Tensor(spec.Name + ".weight", p + "WeightOffset", layer.WeightOffset, weight));
                tensors.Add(Tensor(spec.Name + ".bias", p + "BiasOffset", layer.BiasOffset, new List<(string, int)> { bias }));
            }

            return tensors;
        }

        private static TensorLayout Tensor(string name, string offsetConstant, int offset, List<(string Constant, int Value)> dimensions)
        {
            var constants = new List<string>();
            var values = new List<int>();
            foreach ((string constant, int value) in dimensions)
            {
                constants.Add(constant);
                values.Add(value);
            }

            return new TensorLayout(name, offsetConstant, offset, new EquatableArray<string>(constants), new EquatableArray<int>(values));
        }
    }
}
