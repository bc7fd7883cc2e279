using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;

namespace Injector.Testing;

/// <summary>
/// A Secret volume laid out the way the kubelet's AtomicWriter does it, so a swap here is the real thing:
/// <code>
/// DIR/
///   ..2026_01_01_00_00_00.000000001/tls.crt, tls.key, ca.crt
///   ..data  -> ..2026_01_01_00_00_00.000000001
///   tls.crt -> ..data/tls.crt
///   tls.key -> ..data/tls.key
///   ca.crt  -> ..data/ca.crt
/// </code>
/// <see cref="Write"/> writes a new timestamped directory, points a temporary link at it, renames the link over
/// <c>..data</c> (atomic) and deletes the old directory, as the kubelet does.
/// </summary>
public sealed class SecretVolume : IDisposable
{
    private static readonly string[] FileNames = [PemCertificateLoader.CertificateFileName, PemCertificateLoader.KeyFileName, PemCertificateLoader.CaFileName];
    private int _generation;

    public SecretVolume()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tls-proxy-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Writes a server certificate (leaf plus optional chain) and its key.</summary>
    public void WriteServer(X509Certificate2 leaf, params X509Certificate2[] chain)
        => Write(
            CertificateGenerator.ToCertificatePem(leaf) + string.Concat(chain.Select(CertificateGenerator.ToCertificatePem)),
            CertificateGenerator.ToPrivateKeyPem(leaf),
            null);

    /// <summary>Writes a <c>ca.crt</c> only (a client CA Secret).</summary>
    public void WriteCa(X509Certificate2 ca) => Write(null, null, CertificateGenerator.ToCertificatePem(ca));

    /// <summary>Swaps in a new snapshot holding the given files (null: file absent).</summary>
    public void Write(string? certificatePem, string? keyPem, string? caPem)
    {
        var generation = Interlocked.Increment(ref _generation);
        var name = $"..2026_01_01_00_00_00.{generation:D9}";
        var snapshot = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(snapshot);
        if (certificatePem is not null)
        {
            File.WriteAllText(Path.Combine(snapshot, FileNames[0]), certificatePem);
        }

        if (keyPem is not null)
        {
            File.WriteAllText(Path.Combine(snapshot, FileNames[1]), keyPem);
        }

        if (caPem is not null)
        {
            File.WriteAllText(Path.Combine(snapshot, FileNames[2]), caPem);
        }

        var data = Path.Combine(Directory, CertificateStore.DataLinkName);
        var previous = File.Exists(data) || System.IO.Directory.Exists(data) ? System.IO.Directory.ResolveLinkTarget(data, false)?.FullName : null;
        var temporary = Path.Combine(Directory, "..data_tmp");
        File.CreateSymbolicLink(temporary, name);
        // rename(2) replaces the ..data link atomically; File.Move refuses because the link's target is a directory.
        if (Rename(temporary, data) != 0)
        {
            throw new IOException($"rename {temporary} -> {data} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        foreach (var file in FileNames)
        {
            var visible = Path.Combine(Directory, file);
            if (!File.Exists(visible) && new FileInfo(visible).LinkTarget is null)
            {
                File.CreateSymbolicLink(visible, Path.Combine(CertificateStore.DataLinkName, file));
            }
        }

        if (previous is not null && System.IO.Directory.Exists(Path.Combine(Directory, previous)))
        {
            System.IO.Directory.Delete(Path.Combine(Directory, previous), recursive: true);
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
