using System.Net;
using System.Net.Sockets;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;

namespace LeNet5.Runtime.Tests;

public sealed class ChecksumTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Real_files_match_the_published_sums()
    {
        foreach (MnistFile file in MnistFiles.All)
            MnistFiles.VerifyChecksum(Path.Combine(TestData.MnistFolder, file.FileName), file.Sha256);
    }

    [Fact]
    public void Mismatch_is_detected_and_names_the_file_and_both_sums()
    {
        string path = _temp.File(MnistFiles.TestLabels.FileName);
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestData.MnistFolder, MnistFiles.TestLabels.FileName));
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ChecksumMismatchException>(() => MnistFiles.Locate(_temp.Path, MnistFiles.TestLabels));
        Assert.Contains(path, error.Message);
        Assert.Contains(MnistFiles.TestLabels.Sha256, error.Message);
        Assert.Equal(MnistFiles.ComputeSha256(path), error.Actual);
    }

    [Fact]
    public void Download_fetches_verifies_and_writes_every_file()
    {
        using var server = new FileServer(name => File.ReadAllBytes(Path.Combine(TestData.MnistFolder, name)));
        string cache = _temp.File("cache");
        var downloader = new MnistDownloader([new Uri("http://127.0.0.1:1/unreachable/"), server.BaseAddress], TimeSpan.FromSeconds(20));
        downloader.EnsureFiles(cache);
        foreach (MnistFile file in MnistFiles.All) MnistFiles.VerifyChecksum(Path.Combine(cache, file.FileName), file.Sha256);
        Assert.Equal(4, Directory.GetFiles(cache).Length); // no temporary file left behind
        Assert.Equal(4, server.Requests);

        downloader.EnsureFiles(cache); // already complete: nothing downloaded again
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public void Evaluating_needs_and_downloads_only_the_test_files()
    {
        using var server = new FileServer(name => File.ReadAllBytes(Path.Combine(TestData.MnistFolder, name)));
        string cache = _temp.File("cache");
        new MnistDownloader([server.BaseAddress]).EnsureFiles(cache, MnistFiles.Test);
        Assert.Equal(2, server.Requests);
        Assert.Equal(MnistFiles.Test.Select(f => f.FileName).Order(), Directory.GetFiles(cache).Select(Path.GetFileName).Order());

        // The test files alone serve evaluate and infer --index; train names the file it lacks.
        Assert.Equal(cache, MnistDataLocator.Resolve(cache, MnistFiles.Test));
        string checkpoint = _temp.File("zero.safetensors");
        LeNet5.Runtime.Checkpoints.Checkpoint.Save<LeNet5.Model.LeNet5Network>(checkpoint, new float[LeNet5.Model.LeNet5Network.ParameterCount]);
        var evaluate = Lenet5Console.Capture("evaluate", "--checkpoint", checkpoint, "--data", cache);
        Assert.True(evaluate.Code == 0, evaluate.Error);
        var infer = Lenet5Console.Capture("infer", "--checkpoint", checkpoint, "--data", cache, "--index", "0");
        Assert.True(infer.Code == 0, infer.Error);
        var train = Lenet5Console.Capture("train", "--data", cache, "--output", _temp.File("model.safetensors"));
        Assert.Equal(1, train.Code);
        Assert.Contains($"{Path.Combine(cache, MnistFiles.TrainImages.FileName)}: file not found", train.Error);
    }

    [Fact]
    public void A_corrupt_cached_file_is_downloaded_again()
    {
        using var server = new FileServer(name => File.ReadAllBytes(Path.Combine(TestData.MnistFolder, name)));
        string cache = _temp.File("cache");
        Directory.CreateDirectory(cache);
        foreach (MnistFile file in MnistFiles.All)
            File.Copy(Path.Combine(TestData.MnistFolder, file.FileName), Path.Combine(cache, file.FileName));
        File.WriteAllText(Path.Combine(cache, MnistFiles.TrainLabels.FileName), "half a download");
        new MnistDownloader([server.BaseAddress]).EnsureFiles(cache);
        Assert.Equal(1, server.Requests);
        MnistFiles.VerifyChecksum(Path.Combine(cache, MnistFiles.TrainLabels.FileName), MnistFiles.TrainLabels.Sha256);
    }

    [Fact]
    public void A_folder_of_decompressed_files_is_accepted()
    {
        foreach (MnistFile file in new[] { MnistFiles.TestImages, MnistFiles.TestLabels })
        {
            using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(TestData.MnistFolder, file.FileName)), System.IO.Compression.CompressionMode.Decompress);
            using var raw = File.Create(_temp.File(file.RawFileName));
            gzip.CopyTo(raw);
        }
        MnistDataset test = MnistDataset.LoadTest(_temp.Path);
        Assert.Equal(TestData.Test.Labels, test.Labels);
        Assert.Equal(TestData.Test.Images, test.Images);
    }

    [Fact]
    public void Download_of_a_corrupt_file_is_refused()
    {
        using var server = new FileServer(name => [1, 2, 3]);
        string cache = _temp.File("cache");
        var error = Assert.Throws<DataFileException>(() => new MnistDownloader([server.BaseAddress], TimeSpan.FromSeconds(20)).EnsureFiles(cache));
        Assert.Contains("SHA-256", error.Message);
        Assert.Contains("--data", error.Message);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public void Offline_download_says_so_and_how_to_provide_the_data()
    {
        var error = Assert.Throws<DataFileException>(() =>
            new MnistDownloader([new Uri("http://127.0.0.1:1/mnist/")], TimeSpan.FromSeconds(20)).EnsureFiles(_temp.File("cache")));
        Assert.Contains("offline", error.Message);
        Assert.Contains("--data DIR", error.Message);
        Assert.Contains("LENET5_DATA", error.Message);
    }

    /// <summary>A tiny HTTP server on a free loopback port.</summary>
    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Func<string, byte[]> _content;
        private int _requests;

        public FileServer(Func<string, byte[]> content)
        {
            _content = content;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseAddress = new Uri($"http://127.0.0.1:{port}/mnist/");
            _listener.Prefixes.Add(BaseAddress.ToString());
            _listener.Start();
            _ = Task.Run(Serve);
        }

        public Uri BaseAddress { get; }

        public int Requests => Volatile.Read(ref _requests);

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                catch (HttpListenerException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                byte[] body = _content(context.Request.Url!.Segments[^1]);
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
