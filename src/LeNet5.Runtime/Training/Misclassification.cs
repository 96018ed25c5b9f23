namespace LeNet5.Runtime.Training;

/// <summary>One image the network got wrong.</summary>
/// <param name="Index">The image's index in the evaluated set.</param>
/// <param name="TrueClass">Its label.</param>
/// <param name="PredictedClass">The class the network chose.</param>
/// <param name="Confidence">The probability the network gave <paramref name="PredictedClass"/>.</param>
/// <param name="TrueClassProbability">The probability it gave <paramref name="TrueClass"/>.</param>
/// <param name="Margin">
/// The predicted class's logit minus the true class's, at least 0: how far the mistake is where the probabilities
/// saturate (an rbf output's are 1 and 0 for most images).
/// </param>
public readonly record struct Misclassification(int Index, int TrueClass, int PredictedClass, float Confidence, float TrueClassProbability, float Margin);
