using LeNet5.Trainer;

return Cli.Run(args, Console.Out, Console.Error);
