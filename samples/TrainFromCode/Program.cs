using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;
using TrainFromCode;

// Usage: TrainFromCode [DATA_DIR [EPOCHS [IMAGE...]]]
string? data = args.Length > 0 ? args[0] : null;
int? epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : null;

// MNIST from DATA_DIR, else $LENET5_DATA, else the cache folder (downloaded and checksum-verified when missing).
string folder = MnistDataLocator.Resolve(data);
MnistDataset train = MnistDataset.LoadTraining(folder, LeNet5Network.Description.InputScaling);
MnistDataset test = MnistDataset.LoadTest(folder, LeNet5Network.Description.InputScaling);

// The recipe is architecture.json's training section; `with` changes a copy of it. The trainer uses every core
// (new ExecutionSettings { Threads = 2 } as a second argument chooses), which never changes the result.
TrainingRecipe recipe = LeNet5Network.Description.Training with { Epochs = epochs ?? LeNet5Network.Description.Training.Epochs };
using var trainer = new Trainer<LeNet5Network>(recipe);
using var evaluator = new Evaluator<LeNet5Network>();
for (int epoch = 0; epoch < recipe.Epochs; epoch++)
{
    EpochResult result = trainer.TrainEpoch(train, epoch);
    EvaluationResult evaluation = evaluator.Evaluate(trainer.Parameters, test);
    Console.WriteLine($"epoch {epoch + 1}: train loss {result.MeanLoss:F4}, test accuracy {evaluation.Accuracy:P2}");
}

// A safetensors checkpoint in PyTorch's state_dict layout, then a classifier from it.
Checkpoint.Save<LeNet5Network>("lenet5.safetensors", trainer.Parameters);
LeNet5Classifier classifier = LeNet5Classifier.FromCheckpoint("lenet5.safetensors");
foreach (string image in args.Skip(2))
{
    LeNet5Prediction prediction = classifier.Classify(image);
    Console.WriteLine($"{image}: {prediction.ClassName} ({prediction.Probability:P1})");
}
