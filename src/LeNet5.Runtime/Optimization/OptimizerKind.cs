using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Optimization;

/// <summary>The optimizers a <see cref="TrainingRecipe"/> can name; <see cref="Optimizers"/> gives their names and creates them.</summary>
public enum OptimizerKind
{
    /// <summary><c>sgd</c>: stochastic gradient descent with momentum (<see cref="SgdOptimizer"/>).</summary>
    Sgd,

    /// <summary><c>adam</c>: Adam (<see cref="AdamOptimizer"/>).</summary>
    Adam,

    /// <summary><c>sdlm</c>: the 1998 paper's stochastic diagonal Levenberg-Marquardt (<see cref="SdlmOptimizer"/>).</summary>
    Sdlm,
}
