namespace LeNet5.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Error"/>.</summary>
/// <param name="Out">Results.</param>
/// <param name="Error">Progress, notes and errors.</param>
/// <param name="Interactive">Whether <see cref="Error"/> is a terminal (progress redrawn in place).</param>
/// <param name="Cancellation">Signalled by Ctrl+C: training stops after the current step.</param>
/// <param name="Program">The program's name, which starts every error line.</param>
public sealed record Output(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Cancellation = default, string Program = "lenet5");
