using System.Diagnostics;

namespace LeNet5.Model.Tests;

/// <summary>
/// Packs LeNet5.Runtime, LeNet5.Imaging, LeNet5.Model and LeNet5.Generator (already built by the test command) into a temporary
/// folder feed once per test run, with a private package cache so no stale package from ~/.nuget is ever used.
/// </summary>
public sealed class LocalPackageFeed : IDisposable
{
    public LocalPackageFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "lenet5-packages-" + Guid.NewGuid().ToString("N"));
        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "packages");
        Directory.CreateDirectory(Feed);
        foreach (string project in new[] { "src/LeNet5.Runtime/LeNet5.Runtime.csproj", "src/LeNet5.Imaging/LeNet5.Imaging.csproj", "src/LeNet5.Model/LeNet5.Model.csproj", "generator/LeNet5.Generator/LeNet5.Generator.csproj" })
        {
            Run(RepositoryPaths.Root, "pack", Path.Combine(RepositoryPaths.Root, project), "-c", Configuration, "--no-build", "-p:PackageOutputPath=" + Feed);
        }
    }

    /// <summary>The build configuration of these tests (Release in CI), used to pack what was built.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    public string Root { get; }

    /// <summary>The folder feed holding the .nupkg files.</summary>
    public string Feed { get; }

    /// <summary>The private global-packages folder restores extract into.</summary>
    public string Packages { get; }

    /// <summary>
    /// Writes a NuGet.config in <paramref name="folder"/>: LeNet5.* packages come only from the feed; anything else
    /// (for example the ILLink analyzers of an AOT-compatible project) from the machine's package cache or nuget.org.
    /// </summary>
    public void WriteNuGetConfig(string folder)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="lenet5-test" value="{Feed}" />
                <add key="machine-cache" value="{cache}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="lenet5-test"><package pattern="LeNet5.*" /></packageSource>
                <packageSource key="machine-cache"><package pattern="*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; returns standard output, fails the test with both streams otherwise.</summary>
    public static string Run(string workingDirectory, params string[] arguments)
    {
        (int exitCode, string output) = Execute(workingDirectory, arguments);
        if (exitCode != 0)
            throw new Xunit.Sdk.XunitException($"dotnet {string.Join(' ', arguments)} exited with {exitCode}\n{output}");
        return output;
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>, which must fail; returns both streams.</summary>
    public static string RunExpectingFailure(string workingDirectory, params string[] arguments)
    {
        (int exitCode, string output) = Execute(workingDirectory, arguments);
        if (exitCode == 0)
            throw new Xunit.Sdk.XunitException($"dotnet {string.Join(' ', arguments)} succeeded but should have failed\n{output}");
        return output;
    }

    private static (int ExitCode, string Output) Execute(string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The test host's MSBuild settings must not leak into the child builds.
        foreach (string variable in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" }) start.Environment.Remove(variable);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
