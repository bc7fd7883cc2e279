using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;
using k8s.Autorest;

namespace Injector.Cli.Doctor;

// The serving certificate: does every webhook's caBundle verify it, and how long does it have left.
internal sealed partial class ClusterDoctor
{
    /// <summary>Under this much time left the expiry check warns; cert-manager renews at a third of the lifetime left.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(7);

    private async Task<IReadOnlyList<DoctorCheck>> CheckCertificateAsync(CancellationToken cancellationToken)
    {
        const string CaName = DoctorChecks.CaBundle, ExpiryName = DoctorChecks.ServingCertificateExpiry;
        var services = Services();
        if (services.Count == 0)
        {
            const string Fix = "fix the webhook configurations first (see above).";
            return [DoctorCheck.Fail(CaName, "no webhook names a Service whose certificate could be checked.", Fix), DoctorCheck.Fail(ExpiryName, "no serving certificate was found.", Fix)];
        }

        ServedCertificate? served;
        string? problem;
        try
        {
            (served, problem) = await probe.ReadAsync(services[0], _deployment, cancellationToken);
        }
        catch (HttpOperationException ex)
        {
            (served, problem) = (null, Audit.ApiErrors.Describe(ex, $"{ex.Request?.Method} {ex.Request?.RequestUri?.PathAndQuery}"));
        }
        catch (HttpRequestException ex)
        {
            (served, problem) = (null, Audit.ApiErrors.Describe(ex));
        }

        if (served is null)
        {
            var unread = $"the serving certificate could not be read: {problem}";
            return [DoctorCheck.Fail(CaName, unread, "see the message."), DoctorCheck.Fail(ExpiryName, unread, "see the message.")];
        }

        using (served)
        {
            return [CheckCaBundles(CaName, served, $"{services[0].Name}.{services[0].NamespaceProperty}.svc"), CheckExpiry(ExpiryName, served)];
        }
    }

    private DoctorCheck CheckCaBundles(string name, ServedCertificate served, string dnsName)
    {
        var fix = $"with cert-manager, check the cert-manager.io/inject-ca-from annotation of both configurations and the cainjector's logs; self-signed, restart the webhook, which patches caBundle at start: kubectl -n {injectorNamespace} rollout restart deployment {InstallNames.Deployment}.";
        var problems = new List<string>();
        foreach (var webhook in Webhooks().Where(w => w.ClientConfig.Service is not null))
        {
            if (webhook.ClientConfig.CaBundle is not { Length: > 0 } bundle)
            {
                problems.Add($"{webhook} has no caBundle");
            }
            else if (Verify(served, bundle) is { } failure)
            {
                problems.Add($"the caBundle of {webhook} does not verify the certificate served ({failure})");
            }
        }

        if (!served.Leaf.MatchesHostname(dnsName))
        {
            problems.Add($"the certificate served is not valid for {dnsName}, the name the API server calls");
        }

        var subject = $"{served.Leaf.Subject}, issued by {served.Leaf.Issuer}, read from {served.Source}";
        return problems.Count == 0
            ? DoctorCheck.Pass(name, $"the caBundle of every webhook verifies the certificate served for {dnsName} ({subject}).")
            : DoctorCheck.Fail(name, $"{string.Join("; ", problems)}. Certificate: {subject}.", fix);
    }

    /// <summary>Null when <paramref name="bundle"/> (PEM) verifies the leaf; else why not. Expiry is the next check's business.</summary>
    private static string? Verify(ServedCertificate served, byte[] bundle)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(Encoding.UTF8.GetString(bundle));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            return $"caBundle is not PEM: {ex.Message}";
        }

        if (roots.Count == 0)
        {
            return "caBundle holds no PEM certificate";
        }

        var problems = CertificateChains.Problems(served.Leaf, served.Intermediates, roots);
        foreach (var root in roots)
        {
            root.Dispose();
        }

        return problems is null ? null : problems.Count > 0 ? string.Join(", ", problems) : "no chain to the caBundle";
    }

    private DoctorCheck CheckExpiry(string name, ServedCertificate served)
    {
        var now = time.GetUtcNow();
        var notAfter = new DateTimeOffset(served.Leaf.NotAfter.ToUniversalTime());
        var notBefore = new DateTimeOffset(served.Leaf.NotBefore.ToUniversalTime());
        var until = notAfter.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var fix = $"with cert-manager, check the Certificate (kubectl -n {injectorNamespace} describe certificate) and renew it (cmctl renew); self-signed, restart the webhook: kubectl -n {injectorNamespace} rollout restart deployment {InstallNames.Deployment}.";
        if (now >= notAfter)
        {
            return DoctorCheck.Fail(name, $"the serving certificate expired on {until}: the API server refuses to call the webhook.", fix);
        }

        if (now < notBefore)
        {
            return DoctorCheck.Fail(name, $"the serving certificate is not valid before {notBefore.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}: check the clocks of the nodes and of the issuer.", fix);
        }

        var left = notAfter - now;
        var message = $"the serving certificate is valid until {until} ({left.TotalDays:0.#} days left).";
        return left < ExpiryWarning ? DoctorCheck.Warn(name, message + " It should have been renewed by now.", fix) : DoctorCheck.Pass(name, message);
    }
}
