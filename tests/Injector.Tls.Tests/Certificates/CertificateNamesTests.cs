using Injector.Testing;
using Injector.Tls.Certificates;

namespace Injector.Tls.Tests.Certificates;

public sealed class CertificateNamesTests
{
    [Fact]
    public void Read_FindsCommonNameDnsAndUriSans()
    {
        using var pki = new TestPki();
        using var client = pki.Client("frontend", ["a.shop.svc", "b.shop.svc"], ["spiffe://cluster.local/ns/shop/sa/frontend"]);

        var names = CertificateNames.Read(client);

        Assert.Equal("frontend", names.CommonName);
        Assert.Equal(["a.shop.svc", "b.shop.svc"], names.DnsNames);
        Assert.Equal(["spiffe://cluster.local/ns/shop/sa/frontend"], names.Uris);
        Assert.Equal("cn=frontend,dns=a.shop.svc,dns=b.shop.svc,uri=spiffe://cluster.local/ns/shop/sa/frontend", names.ToString());
    }

    [Fact]
    public void Read_WithoutSans_HasOnlyTheCommonName()
    {
        using var pki = new TestPki();
        using var client = pki.Client("solo");

        var names = CertificateNames.Read(client);

        Assert.Equal("solo", names.CommonName);
        Assert.Empty(names.DnsNames);
        Assert.Empty(names.Uris);
    }
}
