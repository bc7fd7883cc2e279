using System.Security.Cryptography.X509Certificates;

namespace Injector.Tls.Certificates;

/// <summary>Whether a leaf chains to roots the caller names, as validation and <c>doctor</c> both ask it.</summary>
public static class CertificateChains
{
    /// <summary>
    /// Null when <paramref name="leaf"/> chains through <paramref name="intermediates"/> to one of
    /// <paramref name="roots"/>; else the chain's distinct status texts (possibly none). Only the given roots are
    /// trusted, revocation is not checked, and expiry is left to the caller, which judges it at its own time.
    /// </summary>
    public static IReadOnlyList<string>? Problems(X509Certificate2 leaf, X509Certificate2Collection intermediates, X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(leaf)
            ? null
            : [.. chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];
    }
}
