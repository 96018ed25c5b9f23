using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>
/// Work to do with whichever network the command line chose: <see cref="ConsoleNetwork.Accept{TResult}"/> calls
/// <see cref="Visit{TNetwork}"/> with the generated type, so a command is written once, generically, for every network.
/// </summary>
/// <typeparam name="TResult">What the work returns (an exit code for commands).</typeparam>
public interface INetworkVisitor<out TResult>
{
    /// <summary>Does the work with <typeparamref name="TNetwork"/>.</summary>
    TResult Visit<TNetwork>() where TNetwork : struct, INetwork;
}
