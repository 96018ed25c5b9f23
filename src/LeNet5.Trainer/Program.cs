using LeNet5.Cli;
using LeNet5.Trainer;

// This repository's lenet5: the console library over the seed network (the default) and the paper's, both generated
// into this project from architecture.json and paper.architecture.json.
return NetworkConsole.Run(args, NetworkConsole.Network<LeNet5Network>(), NetworkConsole.Network<PaperNetwork>());
