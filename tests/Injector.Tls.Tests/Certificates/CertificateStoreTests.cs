using Injector.Testing;
using Injector.Tls.Certificates;

namespace Injector.Tls.Tests.Certificates;

public sealed class CertificateStoreTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    [Fact]
    public void Reload_SwapsOnChange_AndIsUnchangedOtherwise()
    {
        var first = _pki.Server("one");
        _secret.WriteServer(first);
        var store = new CertificateStore(_secret.Directory);

        Assert.Equal(ReloadOutcome.Reloaded, store.Reload());
        Assert.Equal(ReloadOutcome.Unchanged, store.Reload());
        Assert.Equal(first.Thumbprint, store.Current!.Thumbprint);

        var second = _pki.Server("two");
        _secret.WriteServer(second);
        Assert.Equal(ReloadOutcome.Reloaded, store.Reload());
        Assert.Equal(second.Thumbprint, store.Current!.Thumbprint);
        Assert.True(store.Current.IsValidAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Reload_KeepsLastGood_OnBadFiles_AndClearsTheErrorWhenTheyAreRestored()
    {
        var good = _pki.Server("good");
        _secret.WriteServer(good);
        var store = new CertificateStore(_secret.Directory);
        store.Reload();

        _secret.Write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "junk", null);
        Assert.Equal(ReloadOutcome.Failed, store.Reload());
        Assert.NotNull(store.LastError);
        Assert.Equal(good.Thumbprint, store.Current!.Thumbprint);

        _secret.WriteServer(good);
        Assert.Equal(ReloadOutcome.Unchanged, store.Reload());
        Assert.Null(store.LastError);
    }

    [Fact]
    public void Reload_Fails_WhenFilesAreMissing()
    {
        var store = new CertificateStore(_secret.Directory);

        Assert.Equal(ReloadOutcome.Failed, store.Reload());
        Assert.Contains("cannot read", store.LastError, StringComparison.Ordinal);
        Assert.False(store.IsReady);
    }

    [Fact]
    public void Reload_ReadsClientCa_AndReportsItsExpiry()
    {
        using var caVolume = new SecretVolume();
        _secret.WriteServer(_pki.Server());
        caVolume.WriteCa(_pki.Ca);
        var store = new CertificateStore(_secret.Directory, caVolume.Directory);

        Assert.Equal(ReloadOutcome.Reloaded, store.Reload());
        Assert.True(store.IsReady);
        Assert.Equal(new DateTimeOffset(_pki.Ca.NotAfter), store.ClientCaNotAfter);
    }

    [Fact]
    public void Reload_ReadsAPlainDirectoryToo()
    {
        var leaf = _pki.Server();
        var plain = Path.Combine(_secret.Directory, "plain");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "tls.crt"), CertificateGenerator.ToCertificatePem(leaf));
        File.WriteAllText(Path.Combine(plain, "tls.key"), CertificateGenerator.ToPrivateKeyPem(leaf, traditional: true));

        var store = new CertificateStore(plain);

        Assert.Equal(ReloadOutcome.Reloaded, store.Reload());
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
