using LeNet5.Trainer;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop after the current step and keep the last epoch's checkpoint; second: terminate.
    if (cancellation.IsCancellationRequested) return;
    e.Cancel = true;
    cancellation.Cancel();
};
return Cli.Run(args, Console.Out, Console.Error, cancellation.Token);
