using System.Net;
using System.Net.Sockets;
using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Health;

/// <summary>
/// Ready means this pod can serve a TLS request end to end right now: a certificate is loaded and valid today
/// (and the client CA, when mTLS is on), the proxy is not draining, and every app port accepts a connection.
/// </summary>
internal sealed class ReadinessCheck(ProxySettings settings, CertificateStore store, Func<bool> isDraining, IPAddress appAddress, TimeSpan connectTimeout, TimeProvider time)
{
    private readonly int[] _appPorts = settings.Routes.Select(r => r.AppPort).Distinct().ToArray();

    /// <summary>Every reason the proxy is not ready; empty when it is.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = CertificateProblems();
        if (isDraining())
        {
            problems.Add("draining: shutting down");
        }

        foreach (var port in _appPorts)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout);
            try
            {
                using var socket = new Socket(appAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(appAddress, port), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                problems.Add($"app port {appAddress}:{port} does not accept connections ({(ex is SocketException se ? se.SocketErrorCode.ToString() : "timeout")})");
            }
        }

        return problems;
    }

    /// <summary>The certificate half of readiness (a pod without a valid certificate must not get traffic).</summary>
    public List<string> CertificateProblems()
    {
        var problems = new List<string>();
        var now = time.GetUtcNow();
        if (store.Current is not { } certificate)
        {
            problems.Add($"no certificate loaded from {settings.CertDirectory}: {store.LastError ?? "not loaded yet"}");
        }
        else if (!certificate.IsValidAt(now))
        {
            problems.Add(now > certificate.NotAfter
                ? $"certificate '{certificate.Subject}' expired at {certificate.NotAfter:O}; renew the Secret"
                : $"certificate '{certificate.Subject}' is not valid before {certificate.NotBefore:O}");
        }

        if (store.ClientCaDirectory is not null && store.ClientCa is null)
        {
            problems.Add($"no client CA loaded from {store.ClientCaDirectory}: {store.LastError ?? "not loaded yet"}");
        }

        return problems;
    }
}
