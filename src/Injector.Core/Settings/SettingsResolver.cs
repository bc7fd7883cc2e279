using System.Text.RegularExpressions;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Tls.ProxyContract;
using k8s.Models;

namespace Injector.Core.Settings;

/// <summary>
/// Reads a pod's <c>tls-injector.io/*</c> annotations over its namespace's, checked against
/// the pod spec. Every problem is collected, none thrown; each says what is wrong and how to fix it.
/// </summary>
public static partial class SettingsResolver
{
    /// <summary>Resolves the settings of a pod (template) in its namespace.</summary>
    public static SettingsResolution Resolve(V1ObjectMeta metadata, V1PodSpec spec, NamespaceInfo ns, InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(options);

        var podAnnotations = metadata.Annotations ?? new Dictionary<string, string>();
        var errors = new List<SettingProblem>();
        var warnings = new List<SettingProblem>();
        var values = new EffectiveAnnotations(podAnnotations, ns.Annotations);

        CheckUnknownKeys(podAnnotations.Keys, errors, fromNamespace: false);
        CheckUnknownKeys(ns.Annotations.Keys, warnings, fromNamespace: true);

        var secret = ResolveSecretName(values, ContractNames.Secret, errors, required: true);

        var mtlsText = values.Get(ContractNames.Mtls);
        var mtls = MtlsMode.Disabled;
        if (mtlsText is not null && !WireValues.TryParseMtls(mtlsText, out mtls))
        {
            errors.Add(Problem(values, ContractNames.Mtls, "is not a valid value. Fix: use disabled, optional or required."));
            mtls = MtlsMode.Disabled;
        }

        var clientCa = ResolveSecretName(values, ContractNames.ClientCaSecret, errors, required: false);
        if (mtls != MtlsMode.Disabled && clientCa is null && values.Get(ContractNames.ClientCaSecret) is null)
        {
            errors.Add(new SettingProblem(ContractNames.ClientCaSecret,
                $"annotation {ContractNames.ClientCaSecret} is missing, but {ContractNames.Mtls}={mtlsText} needs it to verify clients. Fix: set it to a Secret whose ca.crt holds the client CA, or set {ContractNames.Mtls}=disabled."));
        }
        else if (mtls == MtlsMode.Disabled && values.Get(ContractNames.ClientCaSecret) is not null)
        {
            errors.Add(Problem(values, ContractNames.ClientCaSecret,
                $"has no effect because {ContractNames.Mtls} is disabled. Fix: set {ContractNames.Mtls}=required (or optional), or remove {ContractNames.ClientCaSecret}."));
        }

        var allowed = ResolveAllowedClients(values, mtls, errors);

        var identity = ResolveClientIdentity(values, mtls, errors);

        var minText = values.Get(ContractNames.MinTlsVersion);
        var minVersion = WireValues.Tls12;
        if (minText is not null && !WireValues.TryParseMinTlsVersion(minText, out minVersion))
        {
            errors.Add(Problem(values, ContractNames.MinTlsVersion, "is not a valid value. Fix: use 1.2 or 1.3."));
            minVersion = WireValues.Tls12;
        }

        var plaintextText = values.Get(ContractNames.Plaintext);
        var plaintext = PlaintextMode.Reject;
        if (plaintextText is not null && !WireValues.TryParsePlaintext(plaintextText, out plaintext))
        {
            errors.Add(Problem(values, ContractNames.Plaintext, "is not a valid value. Fix: use reject or redirect."));
        }

        var loopbackText = values.Get(ContractNames.BindLoopback);
        if (loopbackText is not null and not ContractNames.True and not ContractNames.False)
        {
            errors.Add(Problem(values, ContractNames.BindLoopback, "is not a valid value. Fix: use \"true\" or \"false\"."));
        }

        var exitText = values.Get(ContractNames.ProxyExit);
        if (exitText is not null and not ContractNames.Auto and not ContractNames.Manual)
        {
            errors.Add(Problem(values, ContractNames.ProxyExit,
                $"is not a valid value. Fix: use \"{ContractNames.Auto}\" (the sidecar of a Job's pod leaves when the app has exited) or \"{ContractNames.Manual}\" (the app calls POST /quitquitquit)."));
        }

        var status = InjectionStatus.TryParse(podAnnotations.TryGetValue(ContractNames.Status, out var statusJson) ? statusJson : null);
        var ports = ResolvePorts(values, spec, status, options, errors);

        var caToCheck = mtls == MtlsMode.Disabled ? null : clientCa;
        if (errors.Count > 0 || secret is null)
        {
            return new SettingsResolution(null, errors, warnings, secret, caToCheck) { SecretSource = values.Describe(ContractNames.Secret), ClientCaSource = values.Describe(ContractNames.ClientCaSecret) };
        }

        var settings = new TlsSettings
        {
            SecretName = secret,
            Ports = ports,
            Mtls = mtls,
            ClientCaSecretName = mtls == MtlsMode.Disabled ? null : clientCa,
            AllowedClients = allowed,
            ClientIdentityMode = identity,
            MinTlsVersion = minVersion ?? WireValues.Tls12,
            Plaintext = plaintext,
            BindLoopback = loopbackText == ContractNames.True,
            ExitWithApp = exitText != ContractNames.Manual,
        };
        return new SettingsResolution(settings, errors, warnings, secret, caToCheck) { SecretSource = values.Describe(ContractNames.Secret), ClientCaSource = values.Describe(ContractNames.ClientCaSecret) };
    }

    private static void CheckUnknownKeys(IEnumerable<string> keys, List<SettingProblem> into, bool fromNamespace)
    {
        foreach (var key in keys)
        {
            if (!key.StartsWith(ContractNames.Prefix, StringComparison.Ordinal)
                || ContractNames.UserAnnotations.Contains(key)
                || (!fromNamespace && key == ContractNames.Status))
            {
                continue;
            }

            var guess = ContractNames.UserAnnotations.OrderBy(k => Distance(k, key)).First();
            var where = fromNamespace ? "namespace annotation" : "annotation";
            into.Add(new SettingProblem(key,
                $"{where} {key} is not a tls-injector.io setting. Fix: did you mean {guess}? The known keys are {string.Join(", ", ContractNames.UserAnnotations.Order(StringComparer.Ordinal))}."));
        }
    }

    private static string? ResolveSecretName(EffectiveAnnotations values, string key, List<SettingProblem> errors, bool required)
    {
        var name = values.Get(key);
        if (name is null)
        {
            if (required)
            {
                errors.Add(new SettingProblem(key,
                    $"annotation {key} is missing. Fix: set it to the name of a Secret in this namespace holding tls.crt and tls.key (for example the secretName of a cert-manager Certificate)."));
            }

            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            errors.Add(Problem(values, key,
                "references another namespace. Fix: Secrets must live in the pod's own namespace; copy the Secret here (e.g. with trust-manager or a cert-manager Certificate in this namespace) and give its plain name."));
            return null;
        }

        if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            errors.Add(Problem(values, key, "is not a valid Secret name. Fix: use a lower-case DNS subdomain name, e.g. web-tls."));
            return null;
        }

        return name;
    }

    private static List<ClientIdentity> ResolveAllowedClients(EffectiveAnnotations values, MtlsMode mtls, List<SettingProblem> errors)
    {
        var identities = new List<ClientIdentity>();
        var text = values.Get(ContractNames.AllowedClients);
        if (text is null)
        {
            return identities;
        }

        if (mtls != MtlsMode.Required)
        {
            errors.Add(Problem(values, ContractNames.AllowedClients,
                $"needs {ContractNames.Mtls}=required: an allow-list is only enforceable when every client must present a certificate. Fix: set {ContractNames.Mtls}=required, or remove {ContractNames.AllowedClients}."));
            return identities;
        }

        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (ClientIdentity.TryParse(entry) is { } identity)
            {
                identities.Add(identity);
            }
            else
            {
                errors.Add(Problem(values, ContractNames.AllowedClients,
                    $"has entry \"{entry}\" that is not an identity. Fix: write cn:NAME, dns:NAME or uri:URI (e.g. uri:spiffe://cluster.local/ns/shop/sa/frontend), separated by commas."));
            }
        }

        return identities;
    }

    private static ClientIdentityMode ResolveClientIdentity(EffectiveAnnotations values, MtlsMode mtls, List<SettingProblem> errors)
    {
        var text = values.Get(ContractNames.ClientIdentity);
        if (text is null)
        {
            return ClientIdentityMode.None;
        }

        if (!WireValues.TryParseClientIdentity(text, out var mode))
        {
            errors.Add(Problem(values, ContractNames.ClientIdentity,
                $"is not a valid value. Fix: use {WireValues.None}, {WireValues.ProxyProtocol} (a PROXY protocol v2 header before the stream; the app must speak it) or {WireValues.HttpHeader} (an X-Forwarded-Client-Cert header on every HTTP/1.x request)."));
            return ClientIdentityMode.None;
        }

        if (mode != ClientIdentityMode.None && mtls == MtlsMode.Disabled)
        {
            errors.Add(Problem(values, ContractNames.ClientIdentity,
                $"needs verified clients, but {ContractNames.Mtls} is disabled. Fix: set {ContractNames.Mtls}=required (or optional) with {ContractNames.ClientCaSecret}, or remove {ContractNames.ClientIdentity}."));
            return ClientIdentityMode.None;
        }

        return mode;
    }

    private static SettingProblem Problem(EffectiveAnnotations values, string key, string message)
        => new(key, $"{values.Describe(key)} {message}");

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
