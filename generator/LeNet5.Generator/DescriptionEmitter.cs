using System.Collections.Generic;
using System.Linq;

namespace LeNet5.Generator
{
    /// <summary>
    /// Writes the <c>Description</c> member, the network's one <c>NetworkDescription</c>: its name, input, classes, sizes,
    /// loss, input scaling, parameter tensors, layers (<see cref="LayerDescriptionEmitter"/>) and training recipe. Sizes
    /// name the type's constants, so the description and the kernels cannot disagree.
    /// </summary>
    internal static class DescriptionEmitter
    {
        public static void Emit(CodeWriter writer, NetworkModel model)
        {
            NetworkSpec spec = model.Spec;
            writer.Line("/// <summary>What the network is: its input, classes, sizes, loss, input scaling, parameter tensors, layers and training recipe.</summary>");
            writer.Line("public static " + RuntimeTypes.NetworkDescription + " Description { get; } = new " + RuntimeTypes.NetworkDescription);
            using (writer.Block(suffix: ";"))
            {
                writer.Lines($$"""
                    Name = {{CodeWriter.String(spec.Name)}},
                    Input = new {{RuntimeTypes.FeatureShape}}(InputChannels, InputHeight, InputWidth),
                    ClassNames = new[] { {{string.Join(", ", spec.ClassNames.Select(CodeWriter.String))}} },
                    ParameterCount = ParameterCount,
                    ActivationSize = ActivationSize,
                    WorkspaceSize = WorkspaceSize,
                    Loss = {{RuntimeTypes.LossKind}}.{{spec.Loss}},
                    LossConstant = {{CodeWriter.Float(spec.Loss == LossKind.MapCriterion ? spec.LossConstant : 0)}},
                    InputScaling = {{InputScaling(spec.InputScaling)}},
                    """);
                writer.Line("ParameterTensors = new " + RuntimeTypes.ParameterTensor + "[]");
                using (writer.Block(suffix: ","))
                {
                    foreach (TensorLayout tensor in ParameterLayout.Of(model))
                    {
                        writer.Line("new " + RuntimeTypes.ParameterTensor + "(" + CodeWriter.String(tensor.Name) + ", " + tensor.OffsetConstant + ", new[] { "
                            + string.Join(", ", tensor.DimensionConstants) + " }),");
                    }
                }

                LayerDescriptionEmitter.Emit(writer, model);
                EmitTraining(writer, spec.Training);
            }

            writer.Line();
        }

        private static string InputScaling(InputScalingSpec scaling)
            => scaling == InputScalingSpec.Standardized
                ? RuntimeTypes.InputScaling + ".Standardized"
                : "new " + RuntimeTypes.InputScaling + "(Background: " + CodeWriter.Float(scaling.Background) + ", Foreground: " + CodeWriter.Float(scaling.Foreground) + ")";

        /// <summary>
        /// <c>Training</c>: the runtime's <c>TrainingRecipe</c> with the settings the file gives; those it leaves out keep
        /// the recipe's defaults, which the runtime alone holds.
        /// </summary>
        private static void EmitTraining(CodeWriter writer, TrainingSpec training)
        {
            var settings = new List<string>();
            void Add(string name, string? value)
            {
                if (value != null)
                {
                    settings.Add(name + " = " + value);
                }
            }

            string? Float(double? value) => value == null ? null : CodeWriter.Float(value.Value);
            string? Int(int? value) => value == null ? null : CodeWriter.Int(value.Value);
            Add("Epochs", Int(training.Epochs));
            Add("BatchSize", Int(training.BatchSize));
            Add("Optimizer", training.Optimizer == null ? null : RuntimeTypes.OptimizerKind + "." + TrainingSpec.OptimizerMember(training.Optimizer));
            Add("LearningRate", Float(training.LearningRate));
            Add("LearningRateDecay", Float(training.LearningRateDecay));
            Add("LearningRateSchedule", training.LearningRateSchedule.Count == 0 ? null
                : "new " + RuntimeTypes.LearningRateSchedule + "(new float[] { " + string.Join(", ", training.LearningRateSchedule.Select(CodeWriter.Float)) + " })");
            Add("Momentum", Float(training.Momentum));
            Add("WeightDecay", Float(training.WeightDecay));
            Add("Seed", Int(training.Seed));
            Add("Distort", training.Distort == null ? null : training.Distort.Value ? "true" : "false");
            Add("Damping", Float(training.Damping));
            Add("CurvatureSamples", Int(training.CurvatureSamples));

            if (settings.Count == 0)
            {
                writer.Line("Training = new " + RuntimeTypes.TrainingRecipe + "(),");
                return;
            }

            writer.Line("Training = new " + RuntimeTypes.TrainingRecipe);
            using (writer.Block(suffix: ","))
            {
                foreach (string setting in settings)
                {
                    writer.Line(setting + ",");
                }
            }
        }
    }
}
