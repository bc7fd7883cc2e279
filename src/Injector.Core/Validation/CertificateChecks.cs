using Injector.Tls.Certificates;

namespace Injector.Core.Validation;

/// <summary>
/// What a Secret's PEM says, checked for real with <see cref="System.Security.Cryptography.X509Certificates"/>:
/// keys present, PEM parses, key matches, validity window, chain to <c>ca.crt</c>, CA-ness of a client CA.
/// What depends only on a Secret's bytes comes from <paramref name="analyses"/>; the clock is read here, per admission.
/// </summary>
internal sealed class CertificateChecks(string objectName, string secretNamespace, DateTimeOffset now, TimeSpan warningWindow, bool strict, SecretAnalyses analyses, ValidationCollector into)
{
    /// <summary>Checks the server Secret named by <c>tls-injector.io/secret</c>; returns the certificate when it loads.</summary>
    public LoadedCertificate? CheckServerSecret(string secretName, string source, SecretLookupResult lookup)
    {
        var where = $"{objectName}: {source}";
        if (!Found(where, secretName, lookup, "holding tls.crt and tls.key (kubectl create secret tls " + secretName + " --cert=tls.crt --key=tls.key -n " + secretNamespace + ", or a cert-manager Certificate with spec.secretName: " + secretName + ")"))
        {
            return null;
        }

        var missing = new[] { PemCertificateLoader.CertificateFileName, PemCertificateLoader.KeyFileName }.Where(k => !lookup.Data.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            into.Error($"{where}: Secret \"{secretNamespace}/{secretName}\" has no {string.Join(" and no ", missing)} key (it has: {Keys(lookup)}). Fix: store the PEM certificate chain under tls.crt and its private key under tls.key (type kubernetes.io/tls).");
            return null;
        }

        var analysis = analyses.Server(secretNamespace, secretName, lookup.Data);
        if (analysis.Certificate is not { } certificate)
        {
            into.Error($"{where}: {analysis.LoadError}. Fix: re-issue the certificate, or store a PEM certificate and its matching unencrypted key.");
            return null;
        }

        var subject = certificate.Subject;
        CheckValidity(where, $"certificate \"{subject}\" in Secret \"{secretNamespace}/{secretName}\"", certificate.NotBefore, certificate.NotAfter, "renew it (cert-manager: check the Certificate's status and renewBefore)");

        if (!analysis.AllowsServerAuth)
        {
            Soft($"{where}: certificate \"{subject}\" does not allow server authentication (its extended key usage lacks serverAuth); TLS clients will refuse it. Fix: issue it with usages: [server auth] (cert-manager) or EKU serverAuth.");
        }

        if (analysis.CaError is { } caError)
        {
            Soft($"{where}: ca.crt of Secret \"{secretNamespace}/{secretName}\" does not parse ({caError}); clients that trust it cannot verify this pod.");
        }
        else if (analysis.ChainError is { } reasons)
        {
            Soft($"{where}: the chain in tls.crt for \"{subject}\" does not lead to the ca.crt shipped in the same Secret ({reasons}). Fix: put the intermediates after the leaf in tls.crt, and the issuing root in ca.crt.");
        }

        return certificate;
    }

    /// <summary>
    /// Each Service that selects the pod is reached as <c>svc</c>, <c>svc.ns</c>, <c>svc.ns.svc</c> and
    /// <c>svc.ns.svc.cluster.local</c>; a client that uses a name the certificate does not carry fails hostname checks.
    /// </summary>
    public void CheckServiceNames(string source, LoadedCertificate certificate, IEnumerable<string> serviceNames)
    {
        var where = $"{objectName}: {source}";
        foreach (var service in serviceNames)
        {
            string[] names = [service, $"{service}.{secretNamespace}", $"{service}.{secretNamespace}.svc", $"{service}.{secretNamespace}.svc.cluster.local"];
            var missing = names.Where(n => !certificate.Leaf.MatchesHostname(n, allowWildcards: true, allowCommonName: false)).ToList();
            if (missing.Count > 0)
            {
                var sans = CertificateNames.Read(certificate.Leaf).DnsNames;
                Soft($"{where}: certificate \"{certificate.Subject}\" (DNS names: {(sans.Count == 0 ? "none" : string.Join(", ", sans))}) does not cover {string.Join(", ", missing)}, names of Service \"{secretNamespace}/{service}\" that selects this pod; clients using them will fail hostname verification. Fix: add them to the certificate's DNS names (cert-manager: spec.dnsNames).");
            }
        }
    }

    /// <summary>Checks the client CA Secret named by <c>tls-injector.io/client-ca-secret</c>.</summary>
    public void CheckClientCaSecret(string secretName, string source, SecretLookupResult lookup)
    {
        var where = $"{objectName}: {source}";
        if (!Found(where, secretName, lookup, "whose ca.crt holds the CA that signs client certificates (kubectl create secret generic " + secretName + " --from-file=ca.crt -n " + secretNamespace + ")"))
        {
            return;
        }

        if (!lookup.Data.ContainsKey(PemCertificateLoader.CaFileName))
        {
            into.Error($"{where}: Secret \"{secretNamespace}/{secretName}\" has no ca.crt key (it has: {Keys(lookup)}). Fix: store the client CA certificate(s) as PEM under ca.crt.");
            return;
        }

        var analysis = analyses.ClientCa(secretNamespace, secretName, lookup.Data);
        if (analysis.ParseError is { } parseError)
        {
            into.Error($"{where}: {parseError}. Fix: store the client CA certificate(s) as PEM under ca.crt.");
            return;
        }

        foreach (var ca in analysis.Authorities)
        {
            CheckValidity(where, $"client CA \"{ca.Subject}\" in Secret \"{secretNamespace}/{secretName}\"", ca.NotBefore, ca.NotAfter, "replace it with a current CA certificate");
            if (!ca.IsCa)
            {
                Soft($"{where}: certificate \"{ca.Subject}\" in ca.crt is not a CA certificate (basicConstraints CA:TRUE is missing), so it cannot verify client certificates. Fix: put the issuing CA's certificate in ca.crt, not a leaf.");
            }
        }
    }

    private bool Found(string where, string secretName, SecretLookupResult lookup, string fixWhat)
    {
        switch (lookup.Status)
        {
            case SecretLookupStatus.Found:
                return true;
            case SecretLookupStatus.NotFound:
                into.Error($"{where}: Secret \"{secretNamespace}/{secretName}\" does not exist. Fix: create it in namespace {secretNamespace}, {fixWhat}, or correct the annotation.");
                return false;
            default:
                into.Unavailable($"{where}: Secret \"{secretNamespace}/{secretName}\" could not be read: {lookup.Error}");
                return false;
        }
    }

    private void CheckValidity(string where, string what, DateTimeOffset notBefore, DateTimeOffset notAfter, string fix)
    {
        if (notAfter <= now)
        {
            into.Error($"{where}: {what} expired on {notAfter:yyyy-MM-dd HH:mm} UTC. Fix: {fix}.");
        }
        else if (notAfter - now <= warningWindow)
        {
            Soft($"{where}: {what} expires on {notAfter:yyyy-MM-dd HH:mm} UTC, in {(notAfter - now).TotalDays:0.#} days. Fix: {fix}.");
        }

        if (notBefore > now)
        {
            Soft($"{where}: {what} is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC. Fix: check the issuer's clock, or wait.");
        }
    }

    /// <summary>A problem that is a warning, or an error in strict mode.</summary>
    private void Soft(string message)
    {
        if (strict)
        {
            into.Error(message);
        }
        else
        {
            into.Warning(message);
        }
    }

    private static string Keys(SecretLookupResult lookup) => lookup.Data.Count == 0 ? "no keys" : string.Join(", ", lookup.Data.Keys.Order(StringComparer.Ordinal));
}
