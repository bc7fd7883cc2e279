using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Injector.Tls.Certificates;

/// <summary>
/// Holds the certificate a TLS server presents, and optionally the CA bundle it verifies clients with,
/// loaded from a mounted Secret directory. <see cref="Reload"/> swaps both atomically; a failed load keeps
/// the last good values, so a half-written or bad renewal never takes the server down.
/// </summary>
public sealed class CertificateStore(string certificateDirectory, string? clientCaDirectory = null)
{
    /// <summary>The symlink the kubelet switches atomically when a Secret volume changes.</summary>
    public const string DataLinkName = "..data";

    private volatile LoadedCertificate? _current;
    private volatile X509Certificate2Collection? _clientCa;
    private volatile string? _lastError;
    private byte[]? _lastHash;
    private long _reloadSuccesses;
    private long _reloadFailures;
    private readonly Lock _reloadLock = new();

    /// <summary>The directory holding <c>tls.crt</c> and <c>tls.key</c>.</summary>
    public string CertificateDirectory { get; } = certificateDirectory;

    /// <summary>The directory holding <c>ca.crt</c>; null when clients are not verified.</summary>
    public string? ClientCaDirectory { get; } = clientCaDirectory;

    /// <summary>The certificate to present; null until the first successful load.</summary>
    public LoadedCertificate? Current => _current;

    /// <summary>Trusted client CAs; null when not configured or not yet loaded.</summary>
    public X509Certificate2Collection? ClientCa => _clientCa;

    /// <summary>The earliest expiry among the trusted client CAs; null when none are loaded.</summary>
    public DateTimeOffset? ClientCaNotAfter => _clientCa is { Count: > 0 } ca ? ca.Min(c => c.NotAfter.ToUniversalTime()) : null;

    /// <summary>The reason the last attempt failed; null after a success or when the files are back to the loaded ones.</summary>
    public string? LastError { get => _lastError; private set => _lastError = value; }

    public long ReloadSuccesses => Interlocked.Read(ref _reloadSuccesses);

    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    /// <summary>True once a certificate (and the client CA, when configured) is loaded.</summary>
    public bool IsReady => _current is not null && (ClientCaDirectory is null || _clientCa is not null);

    /// <summary>Raised after a new certificate was swapped in.</summary>
    public event Action<LoadedCertificate>? Reloaded;

    /// <summary>
    /// Reads the files; if their bytes changed since the last good load, parses and swaps them in.
    /// Never throws for bad files: the outcome says what happened.
    /// </summary>
    public ReloadOutcome Reload()
    {
        lock (_reloadLock)
        {
            byte[] certBytes, keyBytes, caBytes;
            try
            {
                (certBytes, keyBytes) = ReadPair(CertificateDirectory);
                caBytes = ClientCaDirectory is null ? [] : File.ReadAllBytes(Path.Combine(ResolveDataDirectory(ClientCaDirectory), PemCertificateLoader.CaFileName));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The kubelet swaps the ..data symlink; a file can be missing for an instant. Keep what we have.
                return Fail($"cannot read certificate files: {ex.Message}");
            }

            var hash = Hash(certBytes, keyBytes, caBytes);
            if (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash))
            {
                // The files are (again) the ones in use: a bad renewal that was reverted is no longer an error.
                LastError = null;
                return ReloadOutcome.Unchanged;
            }

            LoadedCertificate loaded;
            X509Certificate2Collection? clientCa = null;
            try
            {
                loaded = PemCertificateLoader.LoadServer(System.Text.Encoding.UTF8.GetString(certBytes), System.Text.Encoding.UTF8.GetString(keyBytes), CertificateDirectory);
                if (ClientCaDirectory is not null)
                {
                    clientCa = PemCertificateLoader.ParseCertificates(System.Text.Encoding.UTF8.GetString(caBytes), Path.Combine(ClientCaDirectory, PemCertificateLoader.CaFileName));
                }
            }
            catch (CertificateLoadException ex)
            {
                return Fail(ex.Message);
            }

            _current = loaded;
            _clientCa = clientCa;
            _lastHash = hash;
            LastError = null;
            Interlocked.Increment(ref _reloadSuccesses);
            Reloaded?.Invoke(loaded);
            return ReloadOutcome.Reloaded;
        }
    }

    /// <summary>
    /// Reads <c>tls.crt</c> and <c>tls.key</c> from one snapshot of the directory. A Secret volume is
    /// <c>tls.crt -> ..data/tls.crt</c> with <c>..data -> ..TIMESTAMP/</c> (the kubelet's AtomicWriter); reading
    /// both visible paths could pair the old certificate with the new key mid-swap, so both are read through one
    /// resolution of <c>..data</c>. The old timestamped directory is deleted right after a swap, so one retry
    /// re-resolves the link.
    /// </summary>
    private static (byte[] Cert, byte[] Key) ReadPair(string directory)
    {
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = ResolveDataDirectory(directory);
            try
            {
                return (File.ReadAllBytes(Path.Combine(snapshot, PemCertificateLoader.CertificateFileName)),
                        File.ReadAllBytes(Path.Combine(snapshot, PemCertificateLoader.KeyFileName)));
            }
            catch (IOException) when (attempt == 0 && !string.Equals(snapshot, directory, StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>The target of <c>DIRECTORY/..data</c> when it is a symlink (a Kubernetes volume), else the directory itself.</summary>
    internal static string ResolveDataDirectory(string directory)
    {
        var data = Path.Combine(directory, DataLinkName);
        try
        {
            var target = Directory.ResolveLinkTarget(data, returnFinalTarget: true);
            return target is { Exists: true } ? target.FullName : directory;
        }
        catch (IOException)
        {
            return directory;
        }
    }

    private ReloadOutcome Fail(string reason)
    {
        LastError = reason;
        Interlocked.Increment(ref _reloadFailures);
        return ReloadOutcome.Failed;
    }

    private static byte[] Hash(byte[] cert, byte[] key, byte[] ca)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(cert);
        sha.AppendData(key);
        sha.AppendData(ca);
        return sha.GetHashAndReset();
    }
}

/// <summary>What one <see cref="CertificateStore.Reload"/> did.</summary>
public enum ReloadOutcome
{
    /// <summary>The files are byte for byte what was loaded last.</summary>
    Unchanged,

    /// <summary>New files parsed and swapped in.</summary>
    Reloaded,

    /// <summary>The files could not be read or parsed; the previous certificate stays.</summary>
    Failed,
}
