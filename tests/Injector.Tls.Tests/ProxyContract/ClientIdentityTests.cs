using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;

namespace Injector.Tls.Tests.ProxyContract;

public sealed class ClientIdentityTests
{
    private static readonly CertificateNames Names = new("frontend", ["frontend.shop.svc"], ["spiffe://cluster.local/ns/shop/sa/frontend"]);

    [Theory]
    [InlineData("cn:frontend", true)]
    [InlineData("cn:Frontend", false)]
    [InlineData("dns:frontend.shop.svc", true)]
    [InlineData("dns:FRONTEND.SHOP.SVC", true)]
    [InlineData("dns:frontend", false)]
    [InlineData("uri:spiffe://cluster.local/ns/shop/sa/frontend", true)]
    [InlineData("uri:spiffe://cluster.local/ns/shop/sa/Frontend", false)]
    [InlineData("cn:frontend.shop.svc", false)]
    public void Matches_ByKind(string entry, bool expected)
        => Assert.Equal(expected, ClientIdentity.TryParse(entry)!.Matches(Names));

    [Theory]
    [InlineData("cn:")]
    [InlineData("name:x")]
    [InlineData("uri:not a uri")]
    public void TryParse_RejectsMalformed(string entry) => Assert.Null(ClientIdentity.TryParse(entry));
}
