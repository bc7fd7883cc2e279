using System.Net;
using System.Net.Sockets;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Health;

/// <summary>
/// Runs an app's original kubelet probe against <c>127.0.0.1</c> on behalf of the kubelet, which now calls the
/// proxy's <c>/app-health/CONTAINER/KIND</c> instead (Istio's app-health rewrite). The answer is the app's own
/// status code, so the kubelet's 200–399 rule applies unchanged; 503 when the app cannot be reached.
/// <paramref name="preamble"/> goes first on each HTTP probe connection: a PROXY v2 LOCAL header when the app port
/// speaks PROXY protocol (client-identity proxy-protocol), which refuses a connection without one.
/// </summary>
internal sealed class AppProber(IPAddress appAddress, byte[]? preamble = null)
{
    public const int Unreachable = 503;

    /// <summary>Runs the probe within its <c>timeoutSeconds</c>. Returns the status to answer and, on failure, why.</summary>
    public async Task<(int Status, string Detail)> ProbeAsync(AppProbe probe, string? userAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(probe.TimeoutSeconds));
        var endPoint = new IPEndPoint(appAddress, probe.Port);
        try
        {
            if (probe.IsTcp)
            {
                using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
                return (200, $"tcp {endPoint} accepts connections");
            }

            var headers = new List<KeyValuePair<string, string>>();
            foreach (var header in probe.Headers ?? [])
            {
                headers.Add(new(header.Name, header.Value));
            }

            if (userAgent is not null && !headers.Exists(h => h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)))
            {
                headers.Add(new("User-Agent", userAgent));
            }

            var https = string.Equals(probe.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase);
            var status = await HttpStatusClient.GetStatusAsync(endPoint, preamble ?? [], probe.Path ?? "/", headers, https, timeout.Token).ConfigureAwait(false);
            return (status, $"{(https ? "https" : "http")}://{endPoint}{probe.Path} answered {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Unreachable, $"{endPoint} did not answer within {probe.TimeoutSeconds}s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return (Unreachable, $"{endPoint}: {ex.Message}");
        }
    }
}
