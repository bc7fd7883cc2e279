using System.Globalization;
using System.Text.Json;

namespace Injector.Tls.ProxyContract;

/// <summary>
/// Everything the <c>tls-proxy</c> sidecar needs to run. The injector renders it with <see cref="ToEnvironment"/>
/// and the proxy reads it back with <see cref="Parse"/>: one type, so the two sides cannot drift.
/// </summary>
public sealed record ProxySettings
{
    /// <summary>Default mount path of the server certificate Secret in the sidecar.</summary>
    public const string DefaultCertDirectory = "/etc/tls-injector/server";

    /// <summary>Default mount path of the client CA Secret in the sidecar.</summary>
    public const string DefaultClientCaDirectory = "/etc/tls-injector/client-ca";

    /// <summary>Default health port, the one Istio's agent uses for the same job.</summary>
    public const int DefaultHealthPort = 15021;

    public required IReadOnlyList<ProxyRoute> Routes { get; init; }

    public string CertDirectory { get; init; } = DefaultCertDirectory;

    /// <summary>Null when mTLS is disabled.</summary>
    public string? ClientCaDirectory { get; init; }

    public MtlsMode Mtls { get; init; } = MtlsMode.Disabled;

    /// <summary>Empty: every client the CA trusts.</summary>
    public IReadOnlyList<ClientIdentity> AllowedClients { get; init; } = [];

    /// <summary>How the app learns the verified client; anything but None needs mTLS.</summary>
    public ClientIdentityMode ClientIdentityMode { get; init; } = ClientIdentityMode.None;

    /// <summary><c>1.2</c> or <c>1.3</c>.</summary>
    public string MinTlsVersion { get; init; } = WireValues.Tls12;

    public PlaintextMode Plaintext { get; init; } = PlaintextMode.Reject;

    public int HealthPort { get; init; } = DefaultHealthPort;

    /// <summary>Keyed by request path, e.g. <c>/app-health/app/readyz</c>.</summary>
    public IReadOnlyDictionary<string, AppProbe> AppProbes { get; init; } = new Dictionary<string, AppProbe>();

    /// <summary>Seconds between polls of the certificate files. Default 5; the kubelet itself syncs Secrets about once a minute.</summary>
    public int ReloadIntervalSeconds { get; init; } = 5;

    public bool Metrics { get; init; }

    public string LogLevel { get; init; } = "Information";

    /// <summary>Default of <see cref="DrainSeconds"/>.</summary>
    public const int DefaultDrainSeconds = 25;

    /// <summary>Seconds in-flight connections get after SIGTERM. Default 25; 0 closes them at once.</summary>
    public int DrainSeconds { get; init; } = DefaultDrainSeconds;

    /// <summary>
    /// App containers to wait for before the proxy leaves on its own when they have exited (see
    /// <see cref="ProxyEnvironment.AppContainers"/>). 0: never; the proxy then runs until SIGTERM or <c>/quitquitquit</c>.
    /// </summary>
    public int AppContainers { get; init; }

    /// <summary>The log levels the proxy understands (Serilog's names), matched case-insensitively.</summary>
    public static readonly IReadOnlyList<string> LogLevels = ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"];

    /// <summary>The environment variables, in a stable order, that make the proxy run with these settings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToEnvironment()
    {
        var env = new List<KeyValuePair<string, string>>
        {
            new(ProxyEnvironment.Routes, string.Join(',', Routes)),
            new(ProxyEnvironment.CertDirectory, CertDirectory),
            new(ProxyEnvironment.Mtls, Mtls.ToWire()),
        };
        if (ClientCaDirectory is not null)
        {
            env.Add(new(ProxyEnvironment.ClientCaDirectory, ClientCaDirectory));
        }

        if (AllowedClients.Count > 0)
        {
            env.Add(new(ProxyEnvironment.AllowedClients, string.Join(',', AllowedClients)));
        }

        if (ClientIdentityMode != ClientIdentityMode.None)
        {
            env.Add(new(ProxyEnvironment.ClientIdentity, ClientIdentityMode.ToWire()));
        }

        env.Add(new(ProxyEnvironment.MinTlsVersion, MinTlsVersion));
        env.Add(new(ProxyEnvironment.Plaintext, Plaintext.ToWire()));
        env.Add(new(ProxyEnvironment.HealthPort, HealthPort.ToString(CultureInfo.InvariantCulture)));
        if (DrainSeconds != DefaultDrainSeconds)
        {
            env.Add(new(ProxyEnvironment.DrainSeconds, DrainSeconds.ToString(CultureInfo.InvariantCulture)));
        }

        if (AppContainers > 0)
        {
            env.Add(new(ProxyEnvironment.AppContainers, AppContainers.ToString(CultureInfo.InvariantCulture)));
        }

        if (AppProbes.Count > 0)
        {
            var sorted = new SortedDictionary<string, AppProbe>(AppProbes.ToDictionary(), StringComparer.Ordinal);
            env.Add(new(ProxyEnvironment.AppProbes, JsonSerializer.Serialize(sorted, AppProbeJsonContext.Default.SortedDictionaryStringAppProbe)));
        }

        return env;
    }

    /// <summary>
    /// Reads settings from an environment. Returns every problem at once in <paramref name="errors"/>
    /// (and null) rather than stopping at the first.
    /// </summary>
    public static ProxySettings? Parse(Func<string, string?> getEnvironmentVariable, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var problems = new List<string>();

        var routes = ParseRoutes(getEnvironmentVariable(ProxyEnvironment.Routes), problems);

        var mtlsText = getEnvironmentVariable(ProxyEnvironment.Mtls) ?? WireValues.Disabled;
        var mtlsValid = WireValues.TryParseMtls(mtlsText, out var mtls);
        if (!mtlsValid)
        {
            problems.Add($"{ProxyEnvironment.Mtls}='{mtlsText}' is not one of disabled, optional, required.");
        }

        var clientCaDirectory = getEnvironmentVariable(ProxyEnvironment.ClientCaDirectory);
        if (mtlsValid && mtls != MtlsMode.Disabled && string.IsNullOrEmpty(clientCaDirectory))
        {
            problems.Add($"{ProxyEnvironment.Mtls}={mtlsText} needs {ProxyEnvironment.ClientCaDirectory}, the directory holding ca.crt.");
        }

        var allowed = new List<ClientIdentity>();
        foreach (var entry in Split(getEnvironmentVariable(ProxyEnvironment.AllowedClients)))
        {
            if (ClientIdentity.TryParse(entry) is { } identity)
            {
                allowed.Add(identity);
            }
            else
            {
                problems.Add($"{ProxyEnvironment.AllowedClients} entry '{entry}' is not cn:NAME, dns:NAME or uri:URI.");
            }
        }

        var identityText = getEnvironmentVariable(ProxyEnvironment.ClientIdentity) ?? WireValues.None;
        if (!WireValues.TryParseClientIdentity(identityText, out var clientIdentity))
        {
            problems.Add($"{ProxyEnvironment.ClientIdentity}='{identityText}' is not one of none, proxy-protocol, http-header.");
        }
        else if (clientIdentity != ClientIdentityMode.None && mtlsValid && mtls == MtlsMode.Disabled)
        {
            problems.Add($"{ProxyEnvironment.ClientIdentity}={identityText} needs {ProxyEnvironment.Mtls}=optional or required: without mTLS there is no verified client to name.");
        }

        var minText = getEnvironmentVariable(ProxyEnvironment.MinTlsVersion) ?? WireValues.Tls12;
        if (!WireValues.TryParseMinTlsVersion(minText, out var minVersion))
        {
            problems.Add($"{ProxyEnvironment.MinTlsVersion}='{minText}' is not 1.2 or 1.3.");
        }

        var plaintextText = getEnvironmentVariable(ProxyEnvironment.Plaintext) ?? WireValues.Reject;
        if (!WireValues.TryParsePlaintext(plaintextText, out var plaintext))
        {
            problems.Add($"{ProxyEnvironment.Plaintext}='{plaintextText}' is not reject or redirect.");
        }

        var healthPort = ParsePort(getEnvironmentVariable(ProxyEnvironment.HealthPort), DefaultHealthPort, ProxyEnvironment.HealthPort, problems);
        var reload = ParseInt(getEnvironmentVariable(ProxyEnvironment.ReloadIntervalSeconds), 5, 1, 3600, ProxyEnvironment.ReloadIntervalSeconds, problems);
        var drain = ParseInt(getEnvironmentVariable(ProxyEnvironment.DrainSeconds), DefaultDrainSeconds, 0, 3600, ProxyEnvironment.DrainSeconds, problems);
        var appContainers = ParseInt(getEnvironmentVariable(ProxyEnvironment.AppContainers), 0, 0, 1000, ProxyEnvironment.AppContainers, problems);
        CheckPorts(routes, healthPort, problems);

        var metricsText = getEnvironmentVariable(ProxyEnvironment.Metrics);
        var metrics = string.Equals(metricsText, "true", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(metricsText) && !metrics && !string.Equals(metricsText, "false", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{ProxyEnvironment.Metrics}='{metricsText}' is not true or false.");
        }

        var logLevelText = getEnvironmentVariable(ProxyEnvironment.LogLevel);
        var logLevel = "Information";
        if (!string.IsNullOrEmpty(logLevelText))
        {
            var known = LogLevels.FirstOrDefault(l => string.Equals(l, logLevelText, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                problems.Add($"{ProxyEnvironment.LogLevel}='{logLevelText}' is not one of {string.Join(", ", LogLevels)}.");
            }

            logLevel = known ?? logLevel;
        }

        var probes = new Dictionary<string, AppProbe>(StringComparer.Ordinal);
        var probesText = getEnvironmentVariable(ProxyEnvironment.AppProbes);
        if (!string.IsNullOrWhiteSpace(probesText))
        {
            try
            {
                probes = JsonSerializer.Deserialize(probesText, AppProbeJsonContext.Default.DictionaryStringAppProbe) ?? probes;
            }
            catch (JsonException ex)
            {
                problems.Add($"{ProxyEnvironment.AppProbes} is not valid JSON: {ex.Message}");
            }

            CheckProbes(probes, problems);
        }

        errors = problems;
        if (problems.Count > 0)
        {
            return null;
        }

        return new ProxySettings
        {
            Routes = routes,
            CertDirectory = getEnvironmentVariable(ProxyEnvironment.CertDirectory) ?? DefaultCertDirectory,
            ClientCaDirectory = mtls == MtlsMode.Disabled ? null : clientCaDirectory,
            Mtls = mtls,
            AllowedClients = allowed,
            ClientIdentityMode = clientIdentity,
            MinTlsVersion = minVersion ?? WireValues.Tls12,
            Plaintext = plaintext,
            HealthPort = healthPort,
            AppProbes = probes,
            ReloadIntervalSeconds = reload,
            Metrics = metrics,
            LogLevel = logLevel,
            DrainSeconds = drain,
            AppContainers = appContainers,
        };
    }

    private static List<ProxyRoute> ParseRoutes(string? text, List<string> problems)
    {
        var routes = new List<ProxyRoute>();
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"{ProxyEnvironment.Routes} is empty: set it to TLS=APP pairs, e.g. 8443=8080.");
            return routes;
        }

        foreach (var entry in Split(text))
        {
            var parts = entry.Split('=');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tls)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var app)
                || tls is < 1 or > 65535 || app is < 1 or > 65535)
            {
                problems.Add($"{ProxyEnvironment.Routes} entry '{entry}' is not TLS=APP with ports 1-65535.");
                continue;
            }

            routes.Add(new ProxyRoute(tls, app));
        }

        return routes;
    }

    /// <summary>Two listeners on one port, or a route that forwards to a port the proxy itself listens on, cannot work.</summary>
    private static void CheckPorts(List<ProxyRoute> routes, int healthPort, List<string> problems)
    {
        var listening = new HashSet<int> { healthPort };
        foreach (var route in routes)
        {
            if (route.TlsPort == healthPort)
            {
                problems.Add($"{ProxyEnvironment.Routes} TLS port {route.TlsPort} is also {ProxyEnvironment.HealthPort}; pick another TLS or health port.");
            }
            else if (!listening.Add(route.TlsPort))
            {
                problems.Add($"{ProxyEnvironment.Routes} lists TLS port {route.TlsPort} twice; each TLS port forwards to one app port.");
            }
        }

        foreach (var route in routes.Where(r => listening.Contains(r.AppPort)))
        {
            problems.Add($"{ProxyEnvironment.Routes} entry '{route}' forwards to port {route.AppPort}, which the proxy listens on itself; the app port must be the app's plain port.");
        }
    }

    private static void CheckProbes(Dictionary<string, AppProbe> probes, List<string> problems)
    {
        foreach (var (path, probe) in probes)
        {
            // JSON null deserializes to a null value despite the non-nullable type.
            if (probe is null)
            {
                problems.Add($"{ProxyEnvironment.AppProbes} '{path}' is null; give it at least a port.");
                continue;
            }

            if (!path.StartsWith('/'))
            {
                problems.Add($"{ProxyEnvironment.AppProbes} key '{path}' is not a path starting with '/'.");
            }

            if (probe.Port is < 1 or > 65535)
            {
                problems.Add($"{ProxyEnvironment.AppProbes} '{path}' has port {probe.Port}, not 1-65535.");
            }

            if (probe.Scheme is not (null or "HTTP" or "HTTPS"))
            {
                problems.Add($"{ProxyEnvironment.AppProbes} '{path}' has scheme '{probe.Scheme}', not HTTP or HTTPS.");
            }

            if (probe.Path is { } probePath && !probePath.StartsWith('/'))
            {
                problems.Add($"{ProxyEnvironment.AppProbes} '{path}' has path '{probePath}', which does not start with '/'.");
            }

            if (probe.TimeoutSeconds < 0)
            {
                problems.Add($"{ProxyEnvironment.AppProbes} '{path}' has timeoutSeconds {probe.TimeoutSeconds}; kubelet's minimum is 1.");
            }
        }

        // The source-generated reader leaves an absent timeoutSeconds at 0 rather than the initializer's 1; the API
        // server defaults an unset timeoutSeconds to 1, and so does this.
        foreach (var (path, probe) in probes.Where(p => p.Value is { TimeoutSeconds: 0 }).ToList())
        {
            probes[path] = probe with { TimeoutSeconds = 1 };
        }
    }

    private static int ParsePort(string? text, int fallback, string name, List<string> problems)
        => ParseInt(text, fallback, 1, 65535, name, problems);

    private static int ParseInt(string? text, int fallback, int min, int max, string name, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"{name}='{text}' is not a number from {min} to {max}.");
        return fallback;
    }

    private static string[] Split(string? text)
        => string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
