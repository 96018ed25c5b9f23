using System.Diagnostics;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// A disk too small for an epoch's saves stops <c>train</c> before the epoch's work, on a real file system: a 300 KB
/// tmpfs mounted in a private mount namespace (<c>unshare -rm</c>, which needs root or user namespaces; Linux only).
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_on_a_disk_without_room_for_an_epoch_fails_before_training()
    {
        if (!OperatingSystem.IsLinux()) return; // tmpfs and mount namespaces are Linux's
        string disk = _temp.File("small-disk");
        Directory.CreateDirectory(disk);
        string checkpoint = Path.Combine(disk, "model.safetensors");
        // The tmpfs lives as long as the shell: it lists what the run left on it before the mount goes away.
        var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-rm", "sh", "-c", "mount -t tmpfs -o size=300k none \"$0\" || exit 99; \"$@\"; code=$?; echo \"left: $(ls -A \"$0\" | tr '\\n' ' ')\"; exit $code", disk,
                     "dotnet", Path.Combine(AppContext.BaseDirectory, "lenet5.dll"), "train", "--data", TestData.MnistFolder, "--limit", "1000", "--epochs", "1", "--output", checkpoint])
            info.ArgumentList.Add(arg);
        using Process run = Process.Start(info)!;
        Task<string> output = run.StandardOutput.ReadToEndAsync(), errors = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        string stdout = await output, stderr = await errors;

        Assert.True(run.ExitCode != 99, $"cannot mount a tmpfs with 'unshare -rm' (needs root or user namespaces): {stderr}");
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(
            $@"^lenet5: error: {System.Text.RegularExpressions.Regex.Escape(checkpoint)}: the disk has 307,200 bytes free but an epoch's saves need about [\d,]+; free some space or choose another --output$",
            stderr.Trim());
        Assert.DoesNotMatch(@"(?m)^\s+1\s", stdout); // no epoch was trained
        // Nothing left behind but the lock file, which stays by design (see OutputLock): no checkpoint, no temporary.
        Assert.EndsWith("left: model.lock", stdout.Trim());
    }
}
