using System.Globalization;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Reads a kubeconfig file into KubernetesClient's <see cref="K8SConfiguration"/> from YamlDotNet's node tree, without
/// reflection. The NativeAOT build needs it: every kubeconfig loader in KubernetesClient goes through
/// <c>KubernetesYaml</c>, whose static constructor reflects over all model types (metadata tokens included), which
/// NativeAOT does not support. Maps what <c>KubernetesYaml</c> would (same keys, the file's path for relative
/// certificate paths); <c>preferences</c> and <c>extensions</c> are left out because no client setting reads them.
/// </summary>
internal static class KubeConfigReader
{
    /// <summary>Reads <paramref name="path"/>; throws <see cref="KubeConfigException"/> when it is missing or malformed.</summary>
    public static K8SConfiguration Read(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            // KubernetesClient's own message for a missing file.
            throw new KubeConfigException($"kubeconfig file not found at {file.FullName}");
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = file.OpenText();

            // MergingParser resolves "<<" merge keys, as KubernetesYaml does.
            yaml.Load(new MergingParser(new Parser(reader)));
        }
        catch (YamlException ex)
        {
            throw new KubeConfigException($"kubeconfig {file.FullName} is not valid YAML: {ex.Message}");
        }

        var root = yaml.Documents.Count > 0 ? AsMap(yaml.Documents[0].RootNode, "the document") : null;
        return new K8SConfiguration
        {
            ApiVersion = String(root, "apiVersion"),
            Kind = String(root, "kind"),
            CurrentContext = String(root, "current-context"),
            Clusters = Objects(root, "clusters", n => new k8s.KubeConfigModels.Cluster { Name = String(n, "name"), ClusterEndpoint = Endpoint(Map(n, "cluster")) }),
            Contexts = Objects(root, "contexts", n => new Context { Name = String(n, "name"), ContextDetails = Details(Map(n, "context")) }),
            Users = Objects(root, "users", n => new User { Name = String(n, "name"), UserCredentials = Credentials(Map(n, "user")) }),
            FileName = file.FullName,
        };
    }

    private static ClusterEndpoint? Endpoint(YamlMappingNode? n) => n is null ? null : new ClusterEndpoint
    {
        Server = String(n, "server"),
        CertificateAuthority = String(n, "certificate-authority"),
        CertificateAuthorityData = String(n, "certificate-authority-data"),
        TlsServerName = String(n, "tls-server-name"),
        SkipTlsVerify = Bool(n, "insecure-skip-tls-verify"),
    };

    private static ContextDetails? Details(YamlMappingNode? n) => n is null ? null : new ContextDetails
    {
        Cluster = String(n, "cluster"),
        User = String(n, "user"),
        Namespace = String(n, "namespace"),
    };

    private static UserCredentials? Credentials(YamlMappingNode? n)
    {
        if (n is null)
        {
            return null;
        }

        var credentials = new UserCredentials
        {
            ClientCertificateData = String(n, "client-certificate-data"),
            ClientCertificate = String(n, "client-certificate"),
            ClientKeyData = String(n, "client-key-data"),
            ClientKey = String(n, "client-key"),
            Token = String(n, "token"),
            Impersonate = String(n, "as"),
            UserName = String(n, "username"),
            Password = String(n, "password"),
            AuthProvider = Map(n, "auth-provider") is { } auth ? new AuthProvider { Name = String(auth, "name"), Config = Strings(Map(auth, "config")) } : null,
            ExternalExecution = Map(n, "exec") is { } exec ? new ExternalExecution
            {
                ApiVersion = String(exec, "apiVersion"),
                Command = String(exec, "command"),
                Arguments = List(exec, "args", a => Scalar(a, "args")),
                EnvironmentVariables = Objects(exec, "env", e => Strings(e) ?? []),
                InstallHint = String(exec, "installHint"),
                ProvideClusterInfo = Bool(exec, "provideClusterInfo"),
            } : null,
        };

        // Only when present: these two default to empty collections, which KubernetesYaml leaves in place.
        if (List(n, "as-groups", g => Scalar(g, "as-groups")) is { } groups)
        {
            credentials.ImpersonateGroups = groups;
        }

        if (Strings(Map(n, "as-user-extra")) is { } extra)
        {
            credentials.ImpersonateUserExtra = extra;
        }

        return credentials;
    }

    private static YamlNode? Child(YamlMappingNode? map, string key)
        => map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var node) && !IsNull(node) ? node : null;

    private static YamlMappingNode? Map(YamlMappingNode? map, string key) => AsMap(Child(map, key), key);

    private static YamlMappingNode? AsMap(YamlNode? node, string what) => node switch
    {
        null => null,
        YamlMappingNode m => m,
        _ when IsNull(node) => null,
        _ => throw Malformed(node, what, "a mapping"),
    };

    private static string? String(YamlMappingNode? map, string key) => Child(map, key) is { } node ? Scalar(node, key) : null;

    private static string Scalar(YamlNode node, string what)
        => node is YamlScalarNode { Value: { } value } ? value : throw Malformed(node, what, "a scalar");

    private static bool Bool(YamlMappingNode? map, string key) => Child(map, key) switch
    {
        null => false,
        var node when bool.TryParse(Scalar(node, key), out var value) => value,
        var node => throw Malformed(node, key, "true or false"),
    };

    private static List<T>? List<T>(YamlMappingNode? map, string key, Func<YamlNode, T> item) => Child(map, key) switch
    {
        null => null,
        YamlSequenceNode s => [.. s.Children.Select(item)],
        var node => throw Malformed(node, key, "a list"),
    };

    private static List<T>? Objects<T>(YamlMappingNode? map, string key, Func<YamlMappingNode?, T> item)
        => List(map, key, n => item(AsMap(n, key)));

    private static Dictionary<string, string>? Strings(YamlMappingNode? map)
        => map?.Children.ToDictionary(e => Scalar(e.Key, "a key"), e => Scalar(e.Value, Scalar(e.Key, "a key")), StringComparer.Ordinal);

    /// <summary>YAML's null: an empty plain scalar, <c>~</c> or <c>null</c> (what YamlDotNet reads as null).</summary>
    private static bool IsNull(YamlNode node)
        => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static KubeConfigException Malformed(YamlNode node, string what, string expected)
        => new(string.Create(CultureInfo.InvariantCulture, $"kubeconfig: {what} at line {node.Start.Line} should be {expected}."));
}
