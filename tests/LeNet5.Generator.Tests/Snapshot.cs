using System.Runtime.CompilerServices;

namespace LeNet5.Generator.Tests;

/// <summary>
/// Snapshot files in Verify's convention: <c>Snapshots/{Class}.{Test}.verified.cs</c> is committed; on a mismatch the
/// actual text goes to <c>{Class}.{Test}.received.cs</c> and the test fails. Set LENET5_ACCEPT_SNAPSHOTS=1 to accept.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "LENET5_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string? suffix = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string test = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Snapshots");
        string name = Path.GetFileNameWithoutExtension(sourceFile) + "." + test + (suffix == null ? string.Empty : "_" + suffix);
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, actual);
        string reason = expected == null ? "No verified snapshot exists" : "The generated code differs from the verified snapshot" + FirstDifference(expected, actual);
        Assert.Fail(
            reason + ".\n"
            + "  received: " + receivedPath + "\n"
            + "  verified: " + verifiedPath + "\n"
            + "Review the difference; to accept it, rerun the tests with " + AcceptVariable + "=1 (or copy the received file over the verified one).");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string FirstDifference(string expected, string actual)
    {
        string[] left = expected.Split('\n');
        string[] right = actual.Split('\n');
        for (int i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            string a = i < left.Length ? left[i] : "<end of file>";
            string b = i < right.Length ? right[i] : "<end of file>";
            if (a != b)
            {
                return " at line " + (i + 1) + ":\n  verified: " + a.Trim() + "\n  received: " + b.Trim();
            }
        }

        return string.Empty;
    }
}
