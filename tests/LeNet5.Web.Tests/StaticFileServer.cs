using System.Net;
using System.Net.Sockets;

namespace LeNet5.Web.Tests;

/// <summary>
/// Any static file host, as small as it gets: serves a folder on a loopback port, with other folders mounted under
/// paths (MNIST under <c>/mnist/</c>), and index.html for paths that name no file (a single-page app's routes).
/// </summary>
public sealed class StaticFileServer : IDisposable
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript",
        [".mjs"] = "text/javascript",
        [".css"] = "text/css",
        [".json"] = "application/json",
        [".webmanifest"] = "application/manifest+json",
        [".wasm"] = "application/wasm",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".svg"] = "image/svg+xml",
    };

    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Dictionary<string, string> _mounts;
    private readonly Task _loop;

    public StaticFileServer(string root, IReadOnlyDictionary<string, string>? mounts = null)
    {
        _root = Path.GetFullPath(root);
        _mounts = mounts?.ToDictionary(m => "/" + m.Key.Trim('/') + "/", m => Path.GetFullPath(m.Value)) ?? [];
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Requests answered, by path (to check what the page fetched).</summary>
    public List<string> Requests { get; } = [];

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        try
        {
            string path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath);
            lock (Requests) Requests.Add(path);
            string? file = Resolve(path);
            if (file is null)
            {
                response.StatusCode = 404;
                return;
            }
            response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            response.Headers["Cache-Control"] = "no-cache";
            byte[] bytes = File.ReadAllBytes(file);
            response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod != "HEAD") response.OutputStream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or HttpListenerException or UnauthorizedAccessException)
        {
            response.StatusCode = 500;
        }
        finally
        {
            try { response.Close(); } catch (HttpListenerException) { }
        }
    }

    private string? Resolve(string path)
    {
        string root = _root;
        string relative = path.TrimStart('/');
        foreach ((string prefix, string folder) in _mounts)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            root = folder;
            relative = path[prefix.Length..];
            break;
        }
        string full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root, StringComparison.Ordinal)) return null;
        if (File.Exists(full)) return full;
        if (root == _root && Path.GetExtension(relative).Length == 0) return Path.Combine(_root, "index.html");
        return null;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
