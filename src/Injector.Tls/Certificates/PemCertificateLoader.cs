using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Injector.Tls.Certificates;

/// <summary>
/// Reads the PEM files a <c>kubernetes.io/tls</c> Secret holds: <c>tls.crt</c> (leaf first, then its chain),
/// <c>tls.key</c> (PKCS#1 RSA, PKCS#8 or SEC1 EC) and <c>ca.crt</c>.
/// </summary>
public static class PemCertificateLoader
{
    public const string CertificateFileName = "tls.crt";
    public const string KeyFileName = "tls.key";
    public const string CaFileName = "ca.crt";

    /// <summary>Parses a leaf-plus-chain PEM and its key. Throws <see cref="CertificateLoadException"/> naming what is wrong.</summary>
    public static LoadedCertificate LoadServer(string certificatePem, string keyPem, string source = "certificate")
    {
        var chain = ParseCertificates(certificatePem, $"{source} {CertificateFileName}");
        X509Certificate2? leaf = null;
        try
        {
            using var withoutKey = chain[0];
            leaf = AttachKey(withoutKey, keyPem, source);
            chain.RemoveAt(0);
            return new LoadedCertificate(leaf, chain);
        }
        catch (Exception ex) when (ex is not CertificateLoadException)
        {
            leaf?.Dispose();
            throw new CertificateLoadException($"{source}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads <c>tls.crt</c> and <c>tls.key</c> from a directory (a mounted Secret).</summary>
    public static LoadedCertificate LoadServerFromDirectory(string directory)
    {
        var certificatePem = ReadFile(Path.Combine(directory, CertificateFileName));
        var keyPem = ReadFile(Path.Combine(directory, KeyFileName));
        return LoadServer(certificatePem, keyPem, directory);
    }

    /// <summary>Parses every certificate in a PEM bundle; throws when there is none.</summary>
    public static X509Certificate2Collection ParseCertificates(string pem, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateLoadException($"{source} is not valid PEM: {ex.Message}", ex);
        }

        if (collection.Count == 0)
        {
            throw new CertificateLoadException($"{source} holds no '-----BEGIN CERTIFICATE-----' block.");
        }

        return collection;
    }

    /// <summary>Reads a file, or throws <see cref="CertificateLoadException"/> that names it.</summary>
    public static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CertificateLoadException($"cannot read {path}: {ex.Message}", ex);
        }
    }

    private static X509Certificate2 AttachKey(X509Certificate2 certificate, string keyPem, string source)
    {
        var keyAlgorithm = certificate.GetKeyAlgorithm();
        using var ecPublic = certificate.GetECDsaPublicKey();
        using var rsaPublic = ecPublic is null ? certificate.GetRSAPublicKey() : null;
        using var ec = ecPublic is null ? null : ECDsa.Create();
        using var rsa = rsaPublic is null ? null : RSA.Create();
        try
        {
            ec?.ImportFromPem(keyPem);
            rsa?.ImportFromPem(keyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new CertificateLoadException($"{source} {KeyFileName} holds no usable {(ec is not null ? "EC" : "RSA")} private key ({ex.Message}). Hint: an unencrypted PKCS#1, PKCS#8 or EC PEM key is expected.", ex);
        }

        try
        {
            if (ec is not null)
            {
                return certificate.CopyWithPrivateKey(ec);
            }

            if (rsa is not null)
            {
                return certificate.CopyWithPrivateKey(rsa);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            // CopyWithPrivateKey refuses a key of the right type that belongs to another certificate.
            throw new CertificateLoadException($"{source} {KeyFileName} does not match the certificate in {CertificateFileName} ({certificate.Subject}): {ex.Message}", ex);
        }

        throw new CertificateLoadException($"{source} {CertificateFileName} uses key algorithm {keyAlgorithm}; only RSA and ECDSA are supported.");
    }
}
