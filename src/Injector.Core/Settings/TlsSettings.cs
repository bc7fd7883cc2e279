using System.Security.Cryptography;
using System.Text;
using Injector.Tls.ProxyContract;

namespace Injector.Core.Settings;

/// <summary>
/// A pod's effective TLS settings: its annotations over its namespace's, with the contract's defaults.
/// Value equality (and <see cref="Hash"/>) tells whether the settings of a running sidecar are still current.
/// </summary>
public sealed record TlsSettings
{
    public required string SecretName { get; init; }

    public required IReadOnlyList<PortMapping> Ports { get; init; }

    public MtlsMode Mtls { get; init; } = MtlsMode.Disabled;

    public string? ClientCaSecretName { get; init; }

    public IReadOnlyList<ClientIdentity> AllowedClients { get; init; } = [];

    /// <summary>How the sidecar tells the app who the verified client is; anything but None needs mTLS.</summary>
    public ClientIdentityMode ClientIdentityMode { get; init; } = ClientIdentityMode.None;

    public string MinTlsVersion { get; init; } = WireValues.Tls12;

    public PlaintextMode Plaintext { get; init; } = PlaintextMode.Reject;

    /// <summary>Whether the app is asked (through environment variables) to bind its protected ports to loopback only.</summary>
    public bool BindLoopback { get; init; }

    /// <summary>
    /// False with <c>tls-injector.io/proxy-exit: manual</c>: a classic sidecar of a run-to-completion pod then runs
    /// until the app calls <c>POST /quitquitquit</c>, and the pod's process namespace is left alone.
    /// </summary>
    public bool ExitWithApp { get; init; } = true;

    /// <summary>A short, stable digest of the settings, written into <c>tls-injector.io/status</c>.</summary>
    public string Hash()
    {
        var text = new StringBuilder(256)
            .Append("secret=").Append(SecretName)
            .Append(";ports=").AppendJoin(',', Ports.Select(p => $"{p.Container}/{p.AppPort}/{p.PortName}/{p.TlsPort}"))
            .Append(";mtls=").Append(Mtls.ToWire())
            .Append(";ca=").Append(ClientCaSecretName)
            .Append(";allowed=").AppendJoin(',', AllowedClients)
            .Append(";min=").Append(MinTlsVersion)
            .Append(";plaintext=").Append(Plaintext.ToWire())
            .Append(BindLoopback ? ";loopback=true" : string.Empty) // absent when false: hashes of older pods stay valid
            .Append(ExitWithApp ? string.Empty : ";exit=manual")
            .Append(ClientIdentityMode == ClientIdentityMode.None ? string.Empty : ";identity=" + ClientIdentityMode.ToWire())
            .ToString();
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..8]);
    }
}
