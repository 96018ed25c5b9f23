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
/// <param name="LearningRateSchedule">One learning rate per epoch, the last holding for later epochs; empty to use <paramref name="LearningRate"/> and <paramref name="LearningRateDecay"/>.</param>
/// <param name="Distort">Random affine distortions of the training images (<see cref="AffineDistortion"/>).</param>
/// <param name="Damping">The mu of the stochastic diagonal Levenberg-Marquardt optimizer (<c>sdlm</c>).</param>
/// <param name="CurvatureSamples">Images on which <c>sdlm</c> estimates the Hessian diagonal before each epoch.</param>
public sealed record TrainingDefaults(
    int Epochs,
    int BatchSize,
    string Optimizer,
    float LearningRate,
    float Momentum,
    float WeightDecay,
    int Seed,
    float LearningRateDecay = 1f,
    IReadOnlyList<float>? LearningRateSchedule = null,
    bool Distort = false,
    float Damping = 0.02f,
    int CurvatureSamples = 500);
