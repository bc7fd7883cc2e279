using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Injector.Proxy.Commands;
using Injector.Proxy.Tests.Support;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public RunCommandTests() => _secret.WriteServer(_pki.Server());

    [Fact]
    public async Task InvalidConfiguration_ExitsOne_ListingEveryError()
    {
        var env = new Dictionary<string, string>
        {
            [ProxyEnvironment.Routes] = "8443=http",
            [ProxyEnvironment.Mtls] = "sometimes",
            [ProxyEnvironment.MinTlsVersion] = "1.1",
            [ProxyEnvironment.AllowedClients] = "name:frontend",
        };
        var stdout = new MemoryStream();
        var stderr = new StringWriter();

        var code = await RunCommand.RunAsync(n => env.GetValueOrDefault(n), stdout, stderr);

        Assert.Equal(1, code);
        var errors = stderr.ToString();
        foreach (var fragment in new[] { "8443=http", "sometimes", "1.1", "name:frontend" })
        {
            Assert.Contains(fragment, errors, StringComparison.Ordinal);
        }

        using var line = JsonDocument.Parse(stdout.ToArray());
        Assert.Equal("configuration_invalid", line.RootElement.GetProperty("Event").GetString());
        Assert.Equal(4, line.RootElement.GetProperty("Errors").GetArrayLength());
    }

    [Fact]
    public async Task Sigterm_StopsAccepting_LetsInFlightFinish_ThenExitsZero()
    {
        await using var app = new EchoApp();
        var tlsPort = EchoApp.UnusedPort();
        using var proxy = StartProcess(new()
        {
            [ProxyEnvironment.Routes] = $"{tlsPort}={app.Port}",
            [ProxyEnvironment.CertDirectory] = _secret.Directory,
            [ProxyEnvironment.HealthPort] = EchoApp.UnusedPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ProxyEnvironment.DrainSeconds] = "20",
        });
        var endPoint = new IPEndPoint(IPAddress.Loopback, tlsPort);
        await proxy.WaitForLineAsync("\"Event\":\"started\"");

        var harness = ProxyHarness.ClientOptions(_pki.Ca);
        await using var inFlight = await ConnectAsync(endPoint, harness);
        Assert.Equal("before", await ProxyHarness.EchoAsync(inFlight, "before"));

        Assert.Equal(0, Kill(proxy.Process.Id, 15));
        await proxy.WaitForLineAsync("\"Event\":\"draining\"");

        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(endPoint, ProxyHarness.ClientOptions(_pki.Ca)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("during drain", await ProxyHarness.EchoAsync(inFlight, "during drain"));
        Assert.False(proxy.Process.HasExited);

        await inFlight.ShutdownAsync();
        Assert.Equal(0, await inFlight.ReadAsync(new byte[8]));
        await proxy.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, proxy.Process.ExitCode);
        Assert.Contains(proxy.Lines, l => l.Contains("\"Event\":\"drained\"", StringComparison.Ordinal) && l.Contains("\"ClosedByProxy\":0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_ClosesWhatIsLeft_AfterTheGracePeriod()
    {
        await using var app = new EchoApp();
        var tlsPort = EchoApp.UnusedPort();
        using var proxy = StartProcess(new()
        {
            [ProxyEnvironment.Routes] = $"{tlsPort}={app.Port}",
            [ProxyEnvironment.CertDirectory] = _secret.Directory,
            [ProxyEnvironment.HealthPort] = EchoApp.UnusedPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ProxyEnvironment.DrainSeconds] = "1",
        });
        await proxy.WaitForLineAsync("\"Event\":\"started\"");
        await using var idle = await ConnectAsync(new IPEndPoint(IPAddress.Loopback, tlsPort), ProxyHarness.ClientOptions(_pki.Ca));
        Assert.Equal("x", await ProxyHarness.EchoAsync(idle, "x"));

        Assert.Equal(0, Kill(proxy.Process.Id, 15));
        await proxy.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, proxy.Process.ExitCode);
        Assert.Contains(proxy.Lines, l => l.Contains("\"ClosedByProxy\":1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuitQuitQuit_FromInsideThePod_DrainsAndExitsZero()
    {
        await using var app = new EchoApp();
        var healthPort = EchoApp.UnusedPort();
        using var proxy = StartProcess(new()
        {
            [ProxyEnvironment.Routes] = $"{EchoApp.UnusedPort()}={app.Port}",
            [ProxyEnvironment.CertDirectory] = _secret.Directory,
            [ProxyEnvironment.HealthPort] = healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await proxy.WaitForLineAsync("\"Event\":\"started\"");

        var answer = await ProxyHarness.HttpRequestAsync(new IPEndPoint(IPAddress.Loopback, healthPort), "POST", "/quitquitquit");
        await proxy.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((200, "draining\n"), answer);
        Assert.Equal(0, proxy.Process.ExitCode);
        Assert.Contains(proxy.Lines, l => l.Contains("\"Event\":\"stop_requested\"", StringComparison.Ordinal) && l.Contains("\"Reason\":\"quitquitquit\"", StringComparison.Ordinal));
        Assert.Contains(proxy.Lines, l => l.Contains("\"Event\":\"drained\"", StringComparison.Ordinal));
    }

    private static async Task<System.Net.Security.SslStream> ConnectAsync(IPEndPoint endPoint, System.Net.Security.SslClientAuthenticationOptions options)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: true));
        await tls.AuthenticateAsClientAsync(options);
        return tls;
    }

    /// <summary>Runs the built <c>tls-proxy.dll</c> (copied next to the tests) with only the given variables.</summary>
    internal static ProxyProcess StartProcess(Dictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tls-proxy.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("TLS_PROXY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return new ProxyProcess(Process.Start(start)!);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }

    internal sealed class ProxyProcess : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public ProxyProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public IReadOnlyList<string> Lines => _lines.ToArray();

        public async Task WaitForLineAsync(string fragment, int timeoutMs = 15_000)
        {
            var deadline = Environment.TickCount64 + timeoutMs;
            while (!_lines.Any(l => l.Contains(fragment, StringComparison.Ordinal)))
            {
                if (Environment.TickCount64 > deadline || Process.HasExited)
                {
                    throw new TimeoutException($"no line with {fragment}; got:\n{string.Join('\n', _lines)}");
                }

                await Task.Delay(20);
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(5000);
            }

            Process.Dispose();
        }
    }
}
