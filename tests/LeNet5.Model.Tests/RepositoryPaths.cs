namespace LeNet5.Model.Tests;

internal static class RepositoryPaths
{
    /// <summary>The folder holding LeNet5.Generated.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Architecture(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeNet5.Generated.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("LeNet5.Generated.sln not found above " + AppContext.BaseDirectory);
    }
}
