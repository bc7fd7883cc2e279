using System.Security.Cryptography.X509Certificates;
using Injector.Proxy.Identity;

namespace Injector.Proxy.Tests.Identity;

public sealed class DistinguishedNameTests
{
    [Fact]
    public void Format_IsRfc4514_MostSpecificFirst_WithEscapes()
    {
        // The builder encodes the last added first: C, O, OU, CN in DER, as CAs usually issue them.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("front\"end\r\nX-Forwarded-Client-Cert: forged ");
        builder.AddOrganizationalUnitName("#payments");
        builder.AddOrganizationName("Shop, Inc.");
        builder.AddCountryOrRegion("US");
        var name = builder.Build();

        var text = DistinguishedName.Format(name);

        Assert.StartsWith("CN=", name.Name, StringComparison.Ordinal);
        Assert.Equal("CN=front\\\"end\\0D\\0AX-Forwarded-Client-Cert: forged\\ ,OU=\\#payments,O=Shop\\, Inc.,C=US", text);
    }
}
