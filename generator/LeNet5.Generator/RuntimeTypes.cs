namespace LeNet5.Generator
{
    /// <summary>The LeNet5.Runtime types generated code names, fully qualified, in one place.</summary>
    internal static class RuntimeTypes
    {
        public const string Namespace = "global::LeNet5.Runtime";

        public const string INetwork = Namespace + ".INetwork";

        public const string TrainingNoise = Namespace + ".TrainingNoise";

        public const string ParameterTensor = Namespace + ".ParameterTensor";

        public const string NetworkDescription = Namespace + ".NetworkDescription";

        public const string LayerDescription = Namespace + ".LayerDescription";

        public const string LayerKind = Namespace + ".LayerKind";

        public const string ActivationKind = Namespace + ".ActivationKind";

        public const string FeatureShape = Namespace + ".FeatureShape";

        public const string LossKind = Namespace + ".LossKind";

        public const string InputScaling = Namespace + ".InputScaling";

        public const string TrainingRecipe = Namespace + ".Training.TrainingRecipe";

        public const string OptimizerKind = Namespace + ".Optimization.OptimizerKind";

        public const string LearningRateSchedule = Namespace + ".Optimization.LearningRateSchedule";
    }
}
