using LeNet5.Model;

namespace LeNet5.Web;

/// <summary>The classifier the Draw tab uses: the packaged model, or weights trained in the page.</summary>
public sealed class ModelChoice
{
    /// <summary>The classifier in use.</summary>
    public LeNet5Classifier Classifier { get; private set; } = LeNet5Classifier.Embedded;

    /// <summary>What it is, for the page.</summary>
    public string Description { get; private set; } = "the packaged model (LeNet5.Model, the default recipe's weights)";

    /// <summary>Whether the page's own training gave the weights in use.</summary>
    public bool IsTrainedHere { get; private set; }

    /// <summary>Raised when the classifier changes.</summary>
    public event Action? Changed;

    /// <summary>Uses weights trained in the page (copied).</summary>
    public void Use(ReadOnlySpan<float> parameters, string description)
    {
        Classifier = LeNet5Classifier.FromParameters(parameters);
        Description = description;
        IsTrainedHere = true;
        Changed?.Invoke();
    }

    /// <summary>Goes back to the packaged model.</summary>
    public void UsePackaged()
    {
        Classifier = LeNet5Classifier.Embedded;
        Description = "the packaged model (LeNet5.Model, the default recipe's weights)";
        IsTrainedHere = false;
        Changed?.Invoke();
    }
}
