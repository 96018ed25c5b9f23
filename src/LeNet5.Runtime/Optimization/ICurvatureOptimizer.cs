using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Optimization;

/// <summary>
/// An optimizer whose steps need an estimate of the Hessian's diagonal (<see cref="SdlmOptimizer"/>). Before every
/// epoch the trainer fills <see cref="Curvature"/> with the mean, over the recipe's
/// <see cref="TrainingRecipe.CurvatureSamples"/> first images of the epoch, of the Gauss-Newton second derivatives that
/// <see cref="INetwork.BackwardCurvature"/> propagates (LeCun et al. 1998, appendix C).
/// </summary>
public interface ICurvatureOptimizer : IOptimizer
{
    /// <summary>The Hessian-diagonal estimate h_kk, one per parameter; written by the trainer before every epoch.</summary>
    Span<float> Curvature { get; }
}
