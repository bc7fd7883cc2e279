using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Injector.Cli.Commands;
using Injector.Cli.Doctor;
using Injector.Cli.Tests.Audit;
using Injector.Testing;
using Injector.Testing.Kube;

namespace Injector.Cli.Tests.Doctor;

/// <summary>
/// A healthy install on the in-process API server: the objects of <c>manifests/base</c> as they are in the repository
/// (RBAC included, which the fake's SubjectAccessReview evaluates), both configurations' caBundle set to the test
/// CA, two ready endpoints, and the webhook's TLS port played by a <see cref="TlsEndpoint"/> reached with --webhook-url.
/// Tests break one thing each.
/// </summary>
internal sealed class DoctorCluster : IAsyncDisposable
{
    public const string Namespace = "tls-injector";
    public const string ServiceDns = "tls-injector-webhook.tls-injector.svc";

    private readonly string _dir = Directory.CreateTempSubdirectory("tls-injector-doctor-").FullName;

    private DoctorCluster(FakeKubeApiServer api, TestPki pki, TlsEndpoint webhook)
    {
        Api = api;
        Pki = pki;
        Webhook = webhook;
        Kubeconfig = api.WriteKubeConfig(_dir);
    }

    public FakeKubeApiServer Api { get; }

    public TestPki Pki { get; }

    public TlsEndpoint Webhook { get; }

    public string Kubeconfig { get; }

    public static async Task<DoctorCluster> StartAsync(string version = "v1.28")
    {
        var api = await FakeKubeApiServer.StartAsync(new FakeKubeApiOptions { Version = version });
        var pki = new TestPki();
        var cluster = new DoctorCluster(api, pki, new TlsEndpoint(pki.Server(ServiceDns)));
        cluster.Install();
        return cluster;
    }

    private void Install()
    {
        var manifests = Path.Combine(RepositoryPaths.Root, "manifests", "base");
        foreach (var file in new[] { "namespace.yaml", "serviceaccount.yaml", "rbac.yaml", "deployment.yaml", "service.yaml", "webhook/mutatingwebhookconfiguration.yaml", "webhook/validatingwebhookconfiguration.yaml" })
        {
            Api.PutManifests(File.ReadAllText(Path.Combine(manifests, file)));
        }

        var deployment = Api.Get(ResourceType.Deployments, Namespace, "tls-injector-webhook")!;
        deployment["metadata"]!["labels"]!["app.kubernetes.io/version"] = "1.4.0";

        // What kustomize's images: writes into a rendered install; the base names the image without a tag.
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "tls-injector/webhook:1.4.0";
        deployment["status"] = new JsonObject { ["replicas"] = 2, ["readyReplicas"] = 2 };
        Api.Put(ResourceType.Deployments, deployment);

        SetCaBundle(ResourceType.MutatingWebhookConfigurations, Pki.CaPem);
        SetCaBundle(ResourceType.ValidatingWebhookConfigurations, Pki.CaPem);
        SetEndpoints(ready: true);

        Api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop","labels":{"tls-injector.io/injection":"enabled"},"annotations":{"tls-injector.io/secret":"web-tls"}}}""");
        Api.Put(ResourceType.Namespaces, """{"metadata":{"name":"blog"}}""");
        Api.Put(ResourceType.Pods, AuditCluster.PodJson("blog-1", "blog", null, null));
    }

    /// <summary>Sets the caBundle of every webhook of one configuration to <paramref name="pem"/>.</summary>
    public void SetCaBundle(ResourceType configurationType, string pem)
    {
        var configuration = Api.Get(configurationType, null, "tls-injector")!;
        foreach (var webhook in configuration["webhooks"]!.AsArray())
        {
            webhook!["clientConfig"]!["caBundle"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
        }

        Api.Put(configurationType, configuration);
    }

    /// <summary>The EndpointSlice the endpoint controller keeps for the Service: two webhook pods, ready or not.</summary>
    public void SetEndpoints(bool ready)
    {
        var state = ready ? "true" : "false";
        string Endpoint(string ip, string pod)
            => $$$"""{"addresses":["{{{ip}}}"],"conditions":{"ready":{{{state}}},"serving":{{{state}}},"terminating":false},"targetRef":{"kind":"Pod","namespace":"{{{Namespace}}}","name":"{{{pod}}}"}}""";
        Api.Put(ResourceType.EndpointSlices, $$$"""
            {"metadata":{"name":"tls-injector-webhook-x7k2p","namespace":"{{{Namespace}}}","labels":{"kubernetes.io/service-name":"tls-injector-webhook"}},
             "addressType":"IPv4",
             "endpoints":[{{{Endpoint("10.244.0.12", "tls-injector-webhook-6c9d-a")}}},{{{Endpoint("10.244.0.13", "tls-injector-webhook-6c9d-b")}}}],
             "ports":[{"name":"https","port":8443,"protocol":"TCP"}]}
            """);
    }

    /// <summary>The webhook now serves <paramref name="certificate"/>.</summary>
    public void Serve(X509Certificate2 certificate) => Webhook.Certificate = certificate;

    public async Task<(int Code, string Stdout, string Stderr)> RunAsync(string output = OutputFormats.Text, Uri? webhookUrl = null, bool useWebhookUrl = true)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = await DoctorCommand.HandlerAsync(
            stdout, stderr, new DoctorArguments(Kubeconfig, null, null, useWebhookUrl ? webhookUrl ?? Webhook.Url : null, output, null), TimeProvider.System, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Webhook.DisposeAsync();
        await Api.DisposeAsync();
        Pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
