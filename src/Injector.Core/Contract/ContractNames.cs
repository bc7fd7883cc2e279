namespace Injector.Core.Contract;

/// <summary>Every label and annotation key of the user-facing contract (docs/annotations.md), named once.</summary>
public static class ContractNames
{
    public const string Prefix = "tls-injector.io/";

    /// <summary>Namespace label: <c>enabled</c> or <c>disabled</c>.</summary>
    public const string NamespaceInjectionLabel = Prefix + "injection";

    /// <summary>Pod label: <c>true</c> or <c>false</c>.</summary>
    public const string PodInjectLabel = Prefix + "inject";

    public const string Secret = Prefix + "secret";
    public const string Ports = Prefix + "ports";
    public const string Mtls = Prefix + "mtls";
    public const string ClientCaSecret = Prefix + "client-ca-secret";
    public const string AllowedClients = Prefix + "allowed-clients";
    public const string MinTlsVersion = Prefix + "min-tls-version";
    public const string Plaintext = Prefix + "plaintext";

    /// <summary>
    /// Extension: <c>none</c> (default), <c>proxy-protocol</c> or <c>http-header</c>: how the app learns which
    /// verified client calls. Needs <c>mtls</c> optional or required.
    /// </summary>
    public const string ClientIdentity = Prefix + "client-identity";

    /// <summary>Extension: <c>true</c> sets well-known environment variables so the app binds its protected ports to 127.0.0.1.</summary>
    public const string BindLoopback = Prefix + "bind-loopback";

    /// <summary>
    /// Extension: <c>auto</c> (default) lets the classic sidecar of a run-to-completion pod leave when the app's
    /// containers have exited (the pod then shares its process namespace); <c>manual</c> leaves it to the app,
    /// which calls <c>POST /quitquitquit</c>.
    /// </summary>
    public const string ProxyExit = Prefix + "proxy-exit";

    /// <summary>Written by the injector only.</summary>
    public const string Status = Prefix + "status";

    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string True = "true";
    public const string False = "false";
    public const string Auto = "auto";
    public const string Manual = "manual";

    /// <summary>The sidecar's container name, fixed by the contract.</summary>
    public const string ProxyContainerName = "tls-proxy";

    /// <summary>Annotation keys a user may set (the status key is the injector's own).</summary>
    public static readonly IReadOnlySet<string> UserAnnotations = new HashSet<string>(StringComparer.Ordinal)
    {
        Secret, Ports, Mtls, ClientCaSecret, AllowedClients, MinTlsVersion, Plaintext, BindLoopback, ProxyExit, ClientIdentity,
    };

    /// <summary>Namespaces that are never injected, whatever their labels say.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease"];
}
