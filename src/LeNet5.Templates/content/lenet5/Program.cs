using LeNet5.Cli;
using MyDigits;

// train, evaluate, infer and export onnx for the network in architecture.json: see README.md.
return NetworkConsole.Run<LeNet5Network>(args);
