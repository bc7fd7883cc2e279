using Injector.Testing.Kube;
using Injector.Webhook.Cluster;
using Injector.Webhook.Tests.Support;
using k8s;
using k8s.Exceptions;

namespace Injector.Webhook.Tests.Cluster;

/// <summary>
/// The NativeAOT build reads kubeconfigs with <see cref="KubeConfigReader"/> instead of KubernetesClient's
/// reflection-based loader; both must give the same configuration.
/// </summary>
public sealed class KubeConfigReaderTests
{
    /// <summary>Every key the reader maps, with relative paths, an alias, a merge key and YAML nulls.</summary>
    private const string FullConfig = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster: &endpoint
            server: https://10.0.0.1:6443
            certificate-authority: certs/ca.crt
            tls-server-name: api.dev
            insecure-skip-tls-verify: false
        - name: merged
          cluster:
            <<: *endpoint
        - name: other
          cluster:
            server: https://other:6443
            certificate-authority-data: LS0tLS1CRUdJTg==
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context:
            cluster: dev-cluster
            user: exec-user
            namespace: tls
        - name: empty
          context:
            cluster: other
            user: ~
        users:
        - name: exec-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: aws
              args: [eks, get-token, --cluster-name, dev]
              env:
              - name: AWS_PROFILE
                value: dev
              installHint: install aws
              provideClusterInfo: true
        - name: cert-user
          user:
            client-certificate: certs/client.crt
            client-key: certs/client.key
            client-certificate-data: Y2VydA==
            client-key-data: a2V5
            token: abc
            as: admin
            as-groups: [system:masters, dev]
            as-user-extra:
              scopes: all
            username: me
            password: secret
        - name: oidc
          user:
            auth-provider:
              name: oidc
              config:
                client-id: injector
                id-token: tok
        - name: nobody
          user:
        """;

    [Fact]
    public void Read_MatchesKubernetesClientsLoader()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("kubeconfig");
        File.WriteAllText(path, FullConfig);

        var ours = KubeConfigReader.Read(path);
        var theirs = KubernetesClientConfiguration.LoadKubeConfig(path);

        Assert.Equal(KubernetesYaml.Serialize(theirs), KubernetesYaml.Serialize(ours));
        Assert.Equal(theirs.FileName, ours.FileName);
        Assert.Equal("aws", Assert.Single(ours.Users, u => u.Name == "exec-user").UserCredentials.ExternalExecution.Command);
    }

    [Fact]
    public async Task Read_GivesAWorkingClient_ForTheFakeApiServer()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        var path = api.WriteKubeConfig(dir.Path);

        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeConfigReader.Read(path));
        var expected = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        Assert.Equal(expected.Host, config.Host);
        Assert.Equal(expected.CurrentContext, config.CurrentContext);
        Assert.Equal(expected.SslCaCerts?.Select(c => c.Thumbprint), config.SslCaCerts?.Select(c => c.Thumbprint));

        using var client = new Kubernetes(config);
        var version = await client.Version.GetCodeAsync();
        Assert.Equal("1", version.Major);
    }

    [Theory]
    [InlineData("clusters: {a: b}", "clusters")]
    [InlineData("clusters:\n- name: x\n  cluster: [1]", "cluster")]
    [InlineData("clusters:\n- cluster:\n    insecure-skip-tls-verify: maybe", "insecure-skip-tls-verify")]
    [InlineData("current-context: [a]", "current-context")]
    [InlineData("clusters: [", "not valid YAML")]
    public void Read_RejectsMalformedFiles_NamingTheKey(string yaml, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("kubeconfig");
        File.WriteAllText(path, yaml);

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigReader.Read(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NamesTheFile_WhenItIsMissing()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<KubeConfigException>(() => KubeConfigReader.Read(dir.Combine("absent")));
        Assert.Contains(dir.Combine("absent"), error.Message, StringComparison.Ordinal);
    }
}
