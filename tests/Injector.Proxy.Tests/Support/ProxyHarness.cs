using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Proxy.Hosting;
using Injector.Proxy.Logging;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Support;

/// <summary>
/// A real <see cref="ProxyHost"/> on loopback with OS-chosen ports, configured through the same
/// <see cref="ProxySettings.Parse"/> the binary uses, its log captured as JSON.
/// </summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    private ProxyHarness(ProxySettings settings, ProxyHost host, LogSink log)
    {
        Settings = settings;
        Host = host;
        Log = log;
    }

    public ProxySettings Settings { get; }

    public ProxyHost Host { get; }

    public LogSink Log { get; }

    public IPEndPoint TlsEndPoint => Host.TlsEndPoint(Settings.Routes[0].TlsPort);

    /// <summary>The environment for one route 8443 → <paramref name="appPort"/> and the given server Secret.</summary>
    public static Dictionary<string, string> Environment(int appPort, string certDirectory) => new()
    {
        [ProxyEnvironment.Routes] = $"8443={appPort}",
        [ProxyEnvironment.CertDirectory] = certDirectory,
        [ProxyEnvironment.Metrics] = "true",
        [ProxyEnvironment.ReloadIntervalSeconds] = "1",
        [ProxyEnvironment.LogLevel] = "Debug",
    };

    public static ProxyHarness Start(Dictionary<string, string> environment, ProxyHostOptions? options = null)
    {
        var settings = ProxySettings.Parse(name => environment.GetValueOrDefault(name), out var errors)
                       ?? throw new InvalidOperationException("bad test settings: " + string.Join("; ", errors));
        var log = new LogSink();
        var host = new ProxyHost(settings, new ProxyLogger(log, LogLevel.Debug), (options ?? new ProxyHostOptions()) with
        {
            ListenAddress = options?.ListenAddress ?? IPAddress.Loopback,
            EphemeralPorts = true,
        });
        host.Start();
        return new ProxyHarness(settings, host, log);
    }

    /// <summary>Client options that trust <paramref name="ca"/> only and use a random SNI name, which defeats session resumption.</summary>
    public static SslClientAuthenticationOptions ClientOptions(
        X509Certificate2 ca,
        X509Certificate2? clientCertificate = null,
        SslProtocols protocols = SslProtocols.None,
        Action<X509Certificate2>? onServerCertificate = null)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        return new SslClientAuthenticationOptions
        {
            TargetHost = $"{Guid.NewGuid():N}.test",
            EnabledSslProtocols = protocols,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            CertificateChainPolicy = policy,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is X509Certificate2 server)
                {
                    onServerCertificate?.Invoke(server);
                }

                // The random SNI never matches the certificate's names; the chain must still be the test CA's.
                return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
            },
        };
    }

    /// <summary>Connects and completes a TLS handshake with the proxy.</summary>
    public async Task<SslStream> ConnectAsync(SslClientAuthenticationOptions options, IPEndPoint? endPoint = null, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint ?? TlsEndPoint, cancellationToken);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            try
            {
                await tls.AuthenticateAsClientAsync(options, cancellationToken);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>GET on the health port; reads to the end (the health port always closes).</summary>
    public Task<(int Status, string Body)> GetHealthAsync(string path) => HttpGetAsync(Host.HealthEndPoint, path);

    public static Task<(int Status, string Body)> HttpGetAsync(IPEndPoint endPoint, string path, string? extraHeaders = null)
        => HttpRequestAsync(endPoint, "GET", path, extraHeaders);

    /// <summary>One request with no body, as <c>curl -X METHOD</c> sends it; reads the answer to the end.</summary>
    public static async Task<(int Status, string Body)> HttpRequestAsync(IPEndPoint endPoint, string method, string path, string? extraHeaders = null)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: {endPoint}\r\n{extraHeaders}\r\n"), SocketFlags.None);
        var text = await ReadToEndAsync(socket);
        var status = int.Parse(text.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return (status, body);
    }

    public static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        var all = new MemoryStream();
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (read == 0)
            {
                return Encoding.UTF8.GetString(all.ToArray());
            }

            all.Write(buffer, 0, read);
        }
    }

    /// <summary>Writes a line through the proxy and reads the echo back.</summary>
    public static async Task<string> EchoAsync(Stream stream, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await stream.WriteAsync(bytes);
        var back = new byte[bytes.Length];
        await stream.ReadExactlyAsync(back).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.UTF8.GetString(back);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
