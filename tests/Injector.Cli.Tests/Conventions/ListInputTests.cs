using Injector.Cli.Commands;
using Injector.Core.Contract;
using Injector.Core.Manifests;
using k8s.Models;

namespace Injector.Cli.Tests.Conventions;

/// <summary><c>kubectl get -o yaml</c> and <c>-o json</c> print a <c>kind: List</c>; inject and check take it as they take its items.</summary>
public sealed class ListInputTests
{
    private const string YamlList = """
        apiVersion: v1
        items:
        - apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
            namespace: shop
            labels:
              ready: "true"
          spec:
            replicas: 2
            selector:
              matchLabels:
                app: web
            template:
              metadata:
                labels:
                  app: web
                  tls-injector.io/inject: "true"
                annotations:
                  tls-injector.io/secret: web-tls
              spec:
                containers:
                - name: app
                  image: example/app:1
                  ports:
                  - name: http
                    containerPort: 8080
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            name: settings
            namespace: shop
          data:
            enabled: "true"
            port: "8080"
        kind: List
        metadata:
          resourceVersion: ""
        """;

    [Fact]
    public void Inject_UnwrapsYamlList_IntoOneDocumentPerItem()
    {
        var (code, stdout, stderr) = Inject(YamlList);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Deployment \"shop/web\": injected", stderr, StringComparison.Ordinal);
        var objects = ManifestDocument.Split(stdout).Select(ManifestObject.Parse).ToList();
        Assert.Equal(["Deployment", "ConfigMap"], objects.Select(o => o.Kind));
        var deployment = Assert.IsType<V1Deployment>(objects[0].Typed);
        Assert.Contains(deployment.Spec.Template.Spec.InitContainers ?? [], c => c.Name == ContractNames.ProxyContainerName);
        Assert.Equal("true", deployment.Metadata.Labels["ready"]);

        // Untouched items keep their quoting: "true" and "8080" stay strings for kubectl apply.
        var configMap = k8s.KubernetesYaml.Deserialize<V1ConfigMap>(objects[1].Document.Text, strict: true);
        Assert.Equal("true", configMap.Data["enabled"]);
        Assert.Contains("enabled: \"true\"", objects[1].Document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Inject_UnwrapsJsonList_AsBlockYaml()
    {
        var json = k8s.KubernetesJson.Serialize(k8s.KubernetesYaml.Deserialize<V1ConfigMap>("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {enabled: "true"}
            """));
        var list = $$"""{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[{{json}}]}""";

        var (code, stdout, _) = Inject(list);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain("{", stdout, StringComparison.Ordinal);
        var configMap = k8s.KubernetesYaml.Deserialize<V1ConfigMap>(stdout, strict: true);
        Assert.Equal("true", configMap.Data["enabled"]);
    }

    [Fact]
    public void Inject_TakesEmptyList()
    {
        var (code, stdout, _) = Inject("apiVersion: v1\nkind: List\nitems: []\nmetadata:\n  resourceVersion: \"\"\n");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, stdout.Trim());
    }

    [Fact]
    public async Task Check_ReadsEveryItemOfAList()
    {
        var stdout = new StringWriter();

        var code = await CheckCommand.HandlerAsync(new StringReader(YamlList), stdout, TextWriter.Null, new CheckArguments("-", null, "default", null, null), CancellationToken.None);

        Assert.Equal(ExitCodes.PolicyErrors, code);
        Assert.Contains("Secret \"shop/web-tls\" does not exist", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("checked 1 workload(s): 1 error(s)", stdout.ToString(), StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Inject(string input)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = InjectCommand.Handler(new StringReader(input), stdout, stderr, "-", null, "default", null);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
