using System.Runtime.CompilerServices;

namespace LeNet5.Model;

/// <summary>The ten class probabilities of one prediction, stored inline (no array, no allocation).</summary>
[InlineArray(LeNet5Network.ClassCount)]
internal struct DigitProbabilities
{
    private float _element0;
}
