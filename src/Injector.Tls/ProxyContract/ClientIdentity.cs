using Injector.Tls.Certificates;

namespace Injector.Tls.ProxyContract;

/// <summary>One entry of <c>allowed-clients</c>: <c>cn:NAME</c>, <c>dns:NAME</c> or <c>uri:URI</c>.</summary>
public sealed record ClientIdentity(ClientIdentityKind Kind, string Value)
{
    public const string CnPrefix = "cn:";
    public const string DnsPrefix = "dns:";
    public const string UriPrefix = "uri:";

    /// <summary>Parses one entry; returns null when the prefix is unknown or the value is empty.</summary>
    public static ClientIdentity? TryParse(string entry)
    {
        var text = entry.Trim();
        (ClientIdentityKind kind, int length) = text switch
        {
            _ when text.StartsWith(CnPrefix, StringComparison.Ordinal) => (ClientIdentityKind.CommonName, CnPrefix.Length),
            _ when text.StartsWith(DnsPrefix, StringComparison.Ordinal) => (ClientIdentityKind.Dns, DnsPrefix.Length),
            _ when text.StartsWith(UriPrefix, StringComparison.Ordinal) => (ClientIdentityKind.Uri, UriPrefix.Length),
            _ => (default, -1),
        };
        if (length < 0 || text.Length == length)
        {
            return null;
        }

        var value = text[length..];
        if (kind == ClientIdentityKind.Uri && !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            return null;
        }

        return new ClientIdentity(kind, value);
    }

    /// <summary>
    /// True when the (already verified) certificate's names contain this identity. CN and URI compare exactly;
    /// DNS names compare case-insensitively, as DNS does.
    /// </summary>
    public bool Matches(CertificateNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return Kind switch
        {
            ClientIdentityKind.CommonName => string.Equals(names.CommonName, Value, StringComparison.Ordinal),
            ClientIdentityKind.Dns => names.DnsNames.Any(d => string.Equals(d, Value, StringComparison.OrdinalIgnoreCase)),
            _ => names.Uris.Any(u => string.Equals(u, Value, StringComparison.Ordinal)),
        };
    }

    public override string ToString() => Kind switch
    {
        ClientIdentityKind.CommonName => CnPrefix + Value,
        ClientIdentityKind.Dns => DnsPrefix + Value,
        _ => UriPrefix + Value,
    };
}

/// <summary>Which part of a verified client certificate an allowed-clients entry matches.</summary>
public enum ClientIdentityKind
{
    /// <summary>The subject's common name.</summary>
    CommonName,

    /// <summary>A DNS subject alternative name.</summary>
    Dns,

    /// <summary>A URI subject alternative name, e.g. a SPIFFE ID.</summary>
    Uri,
}
