using LeNet5.Cli;
using LeNet5.Model;

// This repository's lenet5: the console library over the seed network (the default) and the paper's.
return NetworkConsole.Run(args, NetworkConsole.Network<LeNet5Network>(), NetworkConsole.Network<PaperNetwork>());
