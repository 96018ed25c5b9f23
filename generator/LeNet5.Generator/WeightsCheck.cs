using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// Matches each embedded weights file to the network that embeds it, and checks it against that network the way
    /// <c>LeNet5.Runtime.Checkpoints.SafeTensors</c> does when it loads it (every tensor present, no other tensor, shapes, data
    /// offsets), plus F32, since embedded weights are read in place: so weights that would fail at run time fail the build.
    /// </summary>
    internal static class WeightsCheck
    {
        /// <summary>
        /// A weights file belongs to the network its item names (<c>Network</c> metadata), else to the architecture its
        /// checkpoint metadata names, else to the project's only network.
        /// </summary>
        /// <param name="weights">Every weights file of the project.</param>
        /// <param name="names">The network name of every architecture file, "" for a file whose name is unusable.</param>
        public static WeightsAssignment Assign(ImmutableArray<WeightsSpec> weights, ImmutableArray<string> names)
        {
            var assigned = new List<AssignedWeights>();
            var diagnostics = new List<DiagnosticInfo>();

            // While an architecture file has no usable name its network is unknown: weights that match no network would only
            // cascade from those errors, so they are reported once the files are fixed.
            bool allNetworksKnown = !names.Contains(string.Empty);
            ImmutableArray<string> networks = names.RemoveAll(static name => name.Length == 0);
            string declared = networks.IsEmpty ? "no network" : string.Join(", ", networks.OrderBy(static n => n, StringComparer.Ordinal));
            foreach (WeightsSpec spec in weights.OrderBy(static w => w.SourcePath, StringComparer.Ordinal))
            {
                if (spec.Error != null)
                {
                    diagnostics.Add(At(spec, DiagnosticDescriptors.WeightsNotReadable, spec.Error));
                }

                string? network = spec.Network.Length > 0 ? spec.Network
                    : spec.Architecture.Length > 0 ? spec.Architecture
                    : networks.Length == 1 ? networks[0]
                    : null;
                if (network == null || !networks.Contains(network))
                {
                    if (allNetworksKnown)
                    {
                        diagnostics.Add(network == null && networks.Length > 1
                            ? At(spec, DiagnosticDescriptors.WeightsNetworkAmbiguous, declared)
                            : At(spec, DiagnosticDescriptors.WeightsForUnknownNetwork, network ?? "(not named)", declared));
                    }

                    continue;
                }

                AssignedWeights? earlier = assigned.FirstOrDefault(a => a.Network == network);
                if (earlier != null)
                {
                    diagnostics.Add(At(spec, DiagnosticDescriptors.DuplicateWeights, network, earlier.Weights.SourcePath));
                    continue;
                }

                assigned.Add(new AssignedWeights(network, spec));
            }

            return new WeightsAssignment(new EquatableArray<AssignedWeights>(assigned), new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        /// <summary>Every way <paramref name="weights"/> do not fit <paramref name="model"/>, each naming its tensor.</summary>
        public static List<DiagnosticInfo> Check(NetworkModel model, WeightsSpec weights)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (weights.Error != null)
            {
                return diagnostics; // reported with the assignment
            }

            string name = model.Spec.Name;
            if (weights.Architecture.Length > 0 && weights.Architecture != name)
            {
                diagnostics.Add(At(weights, DiagnosticDescriptors.WeightsForOtherArchitecture, weights.Architecture, name));
                return diagnostics;
            }

            List<TensorLayout> expected = ParameterLayout.Of(model);
            var found = new Dictionary<string, WeightsTensor>(StringComparer.Ordinal);
            foreach (WeightsTensor tensor in weights.Tensors)
            {
                found[tensor.Name] = tensor;
                if (!expected.Any(t => t.Name == tensor.Name))
                {
                    diagnostics.Add(At(weights, DiagnosticDescriptors.UnexpectedTensor, tensor.Name, name, string.Join(", ", expected.Select(static t => t.Name))));
                }
            }

            long covered = 0;
            foreach (TensorLayout layout in expected)
            {
                if (!found.TryGetValue(layout.Name, out WeightsTensor? tensor))
                {
                    diagnostics.Add(At(weights, DiagnosticDescriptors.MissingTensor, layout.Name, layout.ShapeText, name));
                    continue;
                }

                covered = Math.Max(covered, tensor.End);
                if (tensor.ShapeText != layout.ShapeText)
                {
                    diagnostics.Add(At(weights, DiagnosticDescriptors.TensorShapeMismatch, tensor.Name, tensor.ShapeText, name, layout.ShapeText));
                }
                else if (tensor.DType != "F32")
                {
                    diagnostics.Add(At(weights, DiagnosticDescriptors.TensorDTypeMismatch, tensor.Name, tensor.DType));
                }
                else if (tensor.End - tensor.Begin != layout.Length * 4)
                {
                    diagnostics.Add(At(weights, DiagnosticDescriptors.TensorDataMismatch,
                        "tensor '" + tensor.Name + "' of shape " + tensor.ShapeText + " needs " + WeightsHeaderParser.Text(layout.Length * 4)
                        + " bytes but its data_offsets span " + WeightsHeaderParser.Text(tensor.End - tensor.Begin)));
                }
            }

            if (diagnostics.Count == 0 && covered != weights.DataLength)
            {
                diagnostics.Add(At(weights, DiagnosticDescriptors.TensorDataMismatch,
                    "the file has " + WeightsHeaderParser.Text(weights.DataLength) + " bytes of tensor data but the header describes "
                    + WeightsHeaderParser.Text(covered) + "; it is truncated or has trailing bytes"));
            }

            return diagnostics;
        }

        /// <summary>Diagnostics about a weights file point at the file itself: it is binary, so it has no lines.</summary>
        private static DiagnosticInfo At(WeightsSpec weights, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
            => DiagnosticInfo.Create(descriptor, weights.SourcePath, default, arguments);
    }
}
