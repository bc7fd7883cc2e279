using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;

namespace Injector.Cli.Doctor;

/// <summary>
/// Finds the certificate the webhook serves: over TLS at <c>--webhook-url</c>, else at the Service's DNS name when
/// doctor runs in the cluster, else from the Secret the Deployment mounts (cert-manager installs). The self-signed
/// install keeps its certificate in memory, so outside the cluster only <c>--webhook-url</c> reaches it.
/// </summary>
internal sealed class ServingCertificateProbe(IKubernetes client, Uri? webhookUrl, bool inCluster)
{
    /// <summary>Long enough for a port-forward's first connection, short enough not to hang a CI job.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The certificate, or the reason it could not be read (with the fix).</summary>
    public async Task<(ServedCertificate? Certificate, string? Problem)> ReadAsync(Admissionregistrationv1ServiceReference service, V1Deployment? deployment, CancellationToken cancellationToken)
    {
        var dnsName = $"{service.Name}.{service.NamespaceProperty}.svc";
        if (webhookUrl is not null)
        {
            return await ConnectAsync(webhookUrl.Host, webhookUrl.IsDefaultPort ? 443 : webhookUrl.Port, dnsName, webhookUrl.GetLeftPart(UriPartial.Authority), cancellationToken);
        }

        if (inCluster)
        {
            return await ConnectAsync(dnsName, service.Port ?? 443, dnsName, $"https://{dnsName}:{service.Port ?? 443}", cancellationToken);
        }

        var secretName = deployment?.Spec.Template.Spec.Volumes?.Select(v => v.Secret?.SecretName).FirstOrDefault(n => n is not null);
        if (secretName is null)
        {
            return (null, $"the webhook keeps its serving certificate in memory and doctor runs outside the cluster. Fix: kubectl -n {service.NamespaceProperty} port-forward svc/{service.Name} 8443:{service.Port ?? 443}, then pass --webhook-url https://127.0.0.1:8443.");
        }

        var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, service.NamespaceProperty, cancellationToken: cancellationToken);
        if (secret.Data is null || !secret.Data.TryGetValue("tls.crt", out var pem))
        {
            return (null, $"Secret {service.NamespaceProperty}/{secretName} has no tls.crt. Fix: check the Certificate that issues it (kubectl -n {service.NamespaceProperty} describe certificate).");
        }

        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(System.Text.Encoding.UTF8.GetString(pem));
        if (chain.Count == 0)
        {
            return (null, $"tls.crt of Secret {service.NamespaceProperty}/{secretName} holds no PEM certificate. Fix: check the Certificate that issues it.");
        }

        var leaf = chain[0];
        chain.RemoveAt(0);
        return (new ServedCertificate(leaf, chain, $"Secret {service.NamespaceProperty}/{secretName} (mounted by the webhook; pass --webhook-url to check the live one)"), null);
    }

    private static async Task<(ServedCertificate?, string?)> ConnectAsync(string host, int port, string serverName, string source, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        X509Certificate2? leaf = null;
        var intermediates = new X509Certificate2Collection();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    // The name the API server dials, so a server choosing its certificate by SNI shows the one the API server gets.
                    TargetHost = serverName,
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        // Any certificate is taken here: the caller verifies it against caBundle, which no default trust store holds.
                        leaf = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                        foreach (var extra in chain?.ChainPolicy.ExtraStore ?? [])
                        {
                            intermediates.Add(X509CertificateLoader.LoadCertificate(extra.RawData));
                        }

                        return leaf is not null;
                    },
                },
                timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            leaf?.Dispose();
            return (null, $"cannot complete a TLS handshake with {source}: {(ex is OperationCanceledException ? $"no answer within {ConnectTimeout.TotalSeconds:0} s" : ex.Message)}. Fix: check the port-forward or the address given to --webhook-url, and that the webhook pods are running.");
        }

        return leaf is null
            ? (null, $"{source} presented no certificate. Fix: check that it is the webhook's TLS port.")
            : (new ServedCertificate(leaf, intermediates, source), null);
    }
}
