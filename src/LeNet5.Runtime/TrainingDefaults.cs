namespace LeNet5.Runtime;

/// <summary>The training recipe from an architecture file's <c>training</c> section; command-line options override it.</summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Images per optimizer step.</param>
/// <param name="Optimizer">Optimizer name: <c>sgd</c> or <c>adam</c>.</param>
/// <param name="LearningRate">Step size.</param>
/// <param name="Momentum">SGD momentum (ignored by Adam).</param>
/// <param name="WeightDecay">L2 penalty added to the gradient.</param>
/// <param name="Seed">Seed for initialisation and shuffling.</param>
/// <param name="LearningRateDecay">Factor applied to the learning rate after every epoch (PyTorch's <c>StepLR</c> with step 1); 1 keeps it constant.</param>
public sealed record TrainingDefaults(int Epochs, int BatchSize, string Optimizer, float LearningRate, float Momentum, float WeightDecay, int Seed, float LearningRateDecay = 1f);
