using System;
using System.Collections.Generic;

namespace LeNet5.Generator
{
    /// <summary>The per-image pointers a layer's backward or curvature method takes besides its output and input gradients.</summary>
    [Flags]
    internal enum LayerArguments
    {
        /// <summary>Only the output gradient and the input gradient (a pad).</summary>
        None = 0,

        /// <summary>The parameters and the parameter gradients (or curvatures).</summary>
        Parameters = 1,

        /// <summary>The layer's input and output as the training forward pass kept them.</summary>
        Values = 2,

        /// <summary>The backward pass's scratch area (<c>ScratchSize</c> floats).</summary>
        Scratch = 4,

        /// <summary>What the training forward pass kept beside the output (a dropout's mask).</summary>
        Kept = 8,
    }

    /// <summary>What shape inference learns about one layer: its output, its fan-in and its parameter counts.</summary>
    /// <param name="Output">The output shape of one image.</param>
    /// <param name="FanIn">Inputs per output (for initialisation).</param>
    /// <param name="Weights">Weight count.</param>
    /// <param name="Biases">Bias count.</param>
    /// <param name="Kept">Floats per image the training forward pass keeps beside the output (a dropout's mask).</param>
    internal readonly record struct LayerShape(Shape Output, long FanIn = 0, long Weights = 0, long Biases = 0, int Kept = 0);

    /// <summary>Collects the diagnostics of shape inference for one file.</summary>
    internal sealed class ShapeReport
    {
        private readonly string _filePath;

        public ShapeReport(string filePath, IEnumerable<DiagnosticInfo> parsed)
        {
            _filePath = filePath;
            Diagnostics = new List<DiagnosticInfo>(parsed);
        }

        public List<DiagnosticInfo> Diagnostics { get; }

        public bool HasErrors { get; private set; }

        public void Add(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        {
            HasErrors |= descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
            Diagnostics.Add(DiagnosticInfo.Create(descriptor, _filePath, span, arguments));
        }
    }

    /// <summary>
    /// Everything about one layer kind: its shape and parameter counts, its constants and tables, its forward, backward
    /// and curvature methods, its scratch, its description and counts, and how the entry points call it. One instance per
    /// kind (or per form of a kind, such as a conv that covers its input); <see cref="LayerRegistry"/> maps a kind to it,
    /// and <see cref="ShapeInference"/> stores the chosen one in each <see cref="LayerModel"/>, so no other code asks
    /// what kind a layer is.
    /// </summary>
    internal abstract class LayerEmitter
    {
        /// <summary>The output shape and parameter counts, or null after reporting why the layer does not fit its input.</summary>
        public abstract LayerShape? Infer(LayerSpec layer, Shape input, ShapeReport report);

        /// <summary>The form of the kind that emits this layer (a conv covering its input is emitted as a dense layer).</summary>
        public virtual LayerEmitter Refine(LayerSpec layer, Shape input) => this;

        /// <summary>What this form decides once for a layer and keeps in its model (a conv's <see cref="ConvPlan"/>), or null.</summary>
        public virtual LayerPlan? Plan(LayerSpec layer, Shape input, Shape output) => null;

        /// <summary>One line saying what the layer computes, for comments and the type's documentation.</summary>
        public abstract string Describe(LayerModel layer);

        /// <summary>Multiply-adds and connections per image of the forward pass.</summary>
        public abstract LayerCounts Counts(LayerModel layer);

        /// <summary>The constants beyond the shapes every layer has (<c>C1Kernel</c>, <c>F5Units</c>, ...).</summary>
        public virtual void EmitConstants(CodeWriter writer, LayerModel layer)
        {
        }

        /// <summary>Static tables the layer's methods read, written before them (each followed by a blank line).</summary>
        public virtual void EmitTables(CodeWriter writer, LayerModel layer)
        {
        }

        /// <summary>The inference forward method, <c>LForward</c> (and any variant it dispatches to).</summary>
        public abstract void EmitForward(CodeWriter writer, LayerModel layer);

        /// <summary>
        /// The training forward method when it differs from inference (<c>LForwardTrain</c>, taking the kept area, the
        /// noise and the image's index in the batch); by default the training pass calls <c>LForward</c>.
        /// </summary>
        public virtual bool HasTrainingForward => false;

        /// <summary>Writes <c>LForwardTrain</c> when <see cref="HasTrainingForward"/>.</summary>
        public virtual void EmitTrainingForward(CodeWriter writer, LayerModel layer)
        {
        }

        /// <summary>The backward method; <paramref name="inputGradientOptional"/> for the first layer with parameters.</summary>
        public abstract void EmitBackward(CodeWriter writer, LayerModel layer, bool inputGradientOptional);

        /// <summary>The second-order backward method <c>LCurvature</c> (see <see cref="CurvatureEmitter"/>).</summary>
        public abstract void EmitCurvature(CodeWriter writer, LayerModel layer);

        /// <summary>The shared kernels (<see cref="KernelHelpersEmitter"/>) the layer's methods call.</summary>
        public virtual KernelHelpers Helpers(LayerModel layer) => KernelHelpers.None;

        /// <summary>Floats of per-image scratch the backward pass needs.</summary>
        public virtual int ScratchSize(LayerModel layer) => 0;

        /// <summary>
        /// The layer works on the whole batch (rows of a stride apart) rather than image by image: its methods take
        /// strides and the batch size, and the entry points call it once per batch.
        /// </summary>
        public virtual bool WorksOnTheBatch => false;

        /// <summary>What the per-image backward method takes besides the output and input gradients.</summary>
        public virtual LayerArguments BackwardArguments(LayerModel layer)
            => layer.HasParameters ? LayerArguments.Parameters | LayerArguments.Values : LayerArguments.Values;

        /// <summary>What the curvature method takes besides the output and input curvatures.</summary>
        public virtual LayerArguments CurvatureArguments(LayerModel layer)
            => layer.HasParameters ? LayerArguments.Parameters | LayerArguments.Values : LayerArguments.Values;

        /// <summary>The kind the <c>Layers</c> table gives: the declared kind unless the emitter knows a more specific one.</summary>
        public virtual LayerKind DescribedKind(LayerModel layer) => layer.Spec.Kind;

        /// <summary>The stride the <c>Layers</c> table gives (0 where the kind has none).</summary>
        public virtual int DescribedStride(LayerModel layer) => 0;

        /// <summary>A table the <c>Layers</c> entry carries (a connection table, prototypes), or null.</summary>
        public virtual DescriptionTable? DescriptionTable(LayerModel layer) => null;

        /// <summary>The weight tensor's dimensions as (constant, value), PyTorch's layout; a dense layer's by default.</summary>
        public virtual IReadOnlyList<(string Constant, int Value)> WeightDimensions(LayerModel layer)
            => new[] { (layer.Identifier + "Units", layer.Spec.Size), (layer.Identifier + "InputSize", layer.Input.Size) };

        /// <summary>The bias tensor's one dimension.</summary>
        public virtual (string Constant, int Value) BiasDimension(LayerModel layer) => (layer.Identifier + "Units", layer.Spec.Size);
    }

    /// <summary>A member of a <c>LayerDescription</c> initializer holding one row per line.</summary>
    /// <param name="Member">The member and its array type: <c>Connections = new[]</c>.</param>
    /// <param name="Rows">Each row's text, with its trailing comma.</param>
    internal sealed record DescriptionTable(string Member, IReadOnlyList<string> Rows);
}
