using System.Diagnostics.CodeAnalysis;

namespace Injector.Tls.ProxyContract;

/// <summary>The lower-case strings users write in annotations and the proxy reads from its environment.</summary>
public static class WireValues
{
    public const string Disabled = "disabled";
    public const string Optional = "optional";
    public const string Required = "required";
    public const string Reject = "reject";
    public const string Redirect = "redirect";
    public const string Tls12 = "1.2";
    public const string Tls13 = "1.3";
    public const string None = "none";
    public const string ProxyProtocol = "proxy-protocol";
    public const string HttpHeader = "http-header";

    public static string ToWire(this MtlsMode mode) => mode switch
    {
        MtlsMode.Optional => Optional,
        MtlsMode.Required => Required,
        _ => Disabled,
    };

    public static string ToWire(this PlaintextMode mode) => mode == PlaintextMode.Redirect ? Redirect : Reject;

    public static string ToWire(this ClientIdentityMode mode) => mode switch
    {
        ClientIdentityMode.ProxyProtocol => ProxyProtocol,
        ClientIdentityMode.HttpHeader => HttpHeader,
        _ => None,
    };

    public static bool TryParseClientIdentity(string? value, out ClientIdentityMode mode)
    {
        mode = value switch
        {
            None => ClientIdentityMode.None,
            ProxyProtocol => ClientIdentityMode.ProxyProtocol,
            HttpHeader => ClientIdentityMode.HttpHeader,
            _ => (ClientIdentityMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    public static bool TryParseMtls(string? value, out MtlsMode mode)
    {
        mode = value switch
        {
            Disabled => MtlsMode.Disabled,
            Optional => MtlsMode.Optional,
            Required => MtlsMode.Required,
            _ => (MtlsMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    public static bool TryParsePlaintext(string? value, out PlaintextMode mode)
    {
        mode = value switch
        {
            Reject => PlaintextMode.Reject,
            Redirect => PlaintextMode.Redirect,
            _ => (PlaintextMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    public static bool TryParseMinTlsVersion(string? value, [NotNullWhen(true)] out string? version)
    {
        version = value is Tls12 or Tls13 ? value : null;
        return version is not null;
    }
}
