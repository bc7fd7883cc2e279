using System.Text;
using Injector.Core.Validation;

namespace Injector.Core.Tests.Validation;

/// <summary>One analysis per Secret version: reused for the same bytes, redone as soon as they differ.</summary>
public sealed class SecretMemoTests
{
    private int _calls;

    [Fact]
    public void Reuses_Analysis_ForTheSameData()
    {
        var memo = Memo();
        var data = Data("cert-1");

        var first = memo.Get("shop", "web-tls", data);
        var second = memo.Get("shop", "web-tls", data);

        Assert.Same(first, second);
        Assert.Equal(1, _calls);
        Assert.Equal(1, memo.Analysed);
    }

    [Fact]
    public void Reuses_Analysis_ForTheSameBytesInNewArrays()
    {
        var memo = Memo();
        var first = memo.Get("shop", "web-tls", Data("cert-1"));

        // A relist or a direct GET decodes the Secret again into new arrays.
        var again = memo.Get("shop", "web-tls", Data("cert-1"));

        Assert.Same(first, again);
        Assert.Equal(1, _calls);
    }

    [Theory]
    [InlineData("cert-2", null)]
    [InlineData("cert-1", "ca-2")]
    public void Reanalyses_WhenAValueChangesOrAKeyIsAdded(string certificate, string? ca)
    {
        var memo = Memo();
        var first = memo.Get("shop", "web-tls", Data("cert-1"));

        var changed = memo.Get("shop", "web-tls", Data(certificate, ca));

        Assert.NotSame(first, changed);
        Assert.Equal($"shop/web-tls:{certificate}", changed);
        Assert.Equal(2, _calls);
    }

    [Fact]
    public void Reanalyses_WhenAChangedSecretChangesBack()
    {
        var memo = Memo();
        memo.Get("shop", "web-tls", Data("cert-1"));
        memo.Get("shop", "web-tls", Data("cert-2"));

        memo.Get("shop", "web-tls", Data("cert-1"));

        Assert.Equal(3, _calls);
    }

    [Fact]
    public void KeepsSecretsApart_ByNamespaceAndName()
    {
        var memo = Memo();
        var data = Data("cert-1");

        Assert.Equal("shop/web-tls:cert-1", memo.Get("shop", "web-tls", data));
        Assert.Equal("shop/api-tls:cert-1", memo.Get("shop", "api-tls", data));
        Assert.Equal("blog/web-tls:cert-1", memo.Get("blog", "web-tls", data));
        Assert.Equal(3, _calls);
    }

    [Fact]
    public void StartsOver_WhenMoreSecretsThanItHoldsAreSeen()
    {
        var memo = Memo();
        var data = Data("cert-1");
        for (var i = 0; i < SecretMemo<string>.MaxSecrets; i++)
        {
            memo.Get("shop", $"tls-{i}", data);
        }

        memo.Get("shop", "tls-0", data);
        Assert.Equal(SecretMemo<string>.MaxSecrets, _calls);

        memo.Get("shop", "one-too-many", data);
        memo.Get("shop", "tls-0", data);
        Assert.Equal(SecretMemo<string>.MaxSecrets + 2, _calls);
    }

    private SecretMemo<string> Memo() => new((ns, name, data) =>
    {
        _calls++;
        return $"{ns}/{name}:{Encoding.UTF8.GetString(data["tls.crt"])}";
    });

    private static Dictionary<string, byte[]> Data(string certificate, string? ca = null)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(certificate),
            ["tls.key"] = Encoding.UTF8.GetBytes("key"),
        };
        if (ca is not null)
        {
            data["ca.crt"] = Encoding.UTF8.GetBytes(ca);
        }

        return data;
    }
}
