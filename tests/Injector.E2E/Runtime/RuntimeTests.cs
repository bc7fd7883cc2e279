using System.Security.Cryptography;
using Injector.E2E.Cluster;
using k8s;
using k8s.Models;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Runtime;

/// <summary>
/// Injected pods really running: TLS through a Service, plaintext handling, mTLS, certificate rotation, probes and Jobs.
/// Needs a Ready node that can pull (or already has) the app and curl images; see <see cref="ClusterFixture.AppImage"/>.
/// </summary>
[Collection(ClusterSuite.Name)]
public sealed class RuntimeTests(ClusterFixture cluster)
{
    private const string CaFile = "/certs/" + RuntimeHarness.ServerCaSecret + "/ca.crt";

    [RuntimeFact]
    public async Task InjectedPod_BecomesReady_AndServesHttpsThroughTheService()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "https");
        var pod = await harness.DeployAsync("web", []);

        Assert.NotNull(FindProxy(pod.Spec));
        var (ok, log) = await harness.RunCurlAsync(
            "https",
            $"curl -sS -o /dev/null -w 'code=%{{http_code}}\\n' --cacert {CaFile} https://web.$NS.svc/",
            RuntimeHarness.ServerCaSecret);

        Assert.True(ok, log);
        Assert.Equal("200", RuntimeHarness.Result(log, "code"));
    }

    [RuntimeFact]
    public async Task PlainHttp_IsRejectedByDefault_AndRedirectedWhenAsked()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "plaintext");
        await harness.DeployAsync("web", []);
        await harness.DeployAsync("redirect", Annotations(("plaintext", "redirect")));

        var (_, log) = await harness.RunCurlAsync(
            "plaintext",
            "echo reject=$(curl -s -o /dev/null -w '%{http_code}' http://web.$NS.svc:443/ || true)\n"
            + "echo redirect=$(curl -s -o /dev/null -w '%{http_code}' http://redirect.$NS.svc:443/path || true)\n"
            + "echo location=$(curl -s -o /dev/null -w '%{redirect_url}' http://redirect.$NS.svc:443/path || true)\n");

        Assert.NotEqual("200", RuntimeHarness.Result(log, "reject"));
        Assert.Equal("308", RuntimeHarness.Result(log, "redirect"));
        Assert.StartsWith("https://redirect.", RuntimeHarness.Result(log, "location"), StringComparison.Ordinal);
    }

    [RuntimeFact]
    public async Task Mtls_AcceptsTheListedClient_AndRejectsEveryOther()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "mtls");
        await harness.DeployAsync("web", Annotations(
            ("mtls", "required"), ("client-ca-secret", RuntimeHarness.ClientCaSecret), ("allowed-clients", "cn:" + E2ePki.GoodClient)));

        string Call(string key, string? client) =>
            $"echo {key}=$(curl -s -o /dev/null -w '%{{http_code}}' --cacert {CaFile} "
            + (client is null ? string.Empty : $"--cert /certs/{client}/tls.crt --key /certs/{client}/tls.key ")
            + "https://web.$NS.svc/ || true)\n";
        var (_, log) = await harness.RunCurlAsync(
            "mtls",
            Call("good", "e2e-good-client") + Call("unlisted", "e2e-unlisted-client") + Call("foreign", "e2e-foreign-client") + Call("none", null),
            RuntimeHarness.ServerCaSecret, "e2e-good-client", "e2e-unlisted-client", "e2e-foreign-client");

        Assert.Equal("200", RuntimeHarness.Result(log, "good"));
        Assert.NotEqual("200", RuntimeHarness.Result(log, "unlisted"));
        Assert.NotEqual("200", RuntimeHarness.Result(log, "foreign"));
        Assert.NotEqual("200", RuntimeHarness.Result(log, "none"));
    }

    [RuntimeFact]
    public async Task ClientIdentity_TheAppSeesTheVerifiedClient_AndNeverAForgedHeader()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "identity");
        var mtls = new[] { ("mtls", "required"), ("client-ca-secret", RuntimeHarness.ClientCaSecret) };
        var header = await harness.DeployAsync("web", Annotations([.. mtls, ("client-identity", "http-header")]), probes: false, app: RecordingApp);
        var proxyProtocol = await harness.DeployAsync("pp", Annotations([.. mtls, ("client-identity", "proxy-protocol")]), probes: false, app: RecordingApp);

        var (_, log) = await harness.RunCurlAsync(
            "identity",
            $"echo header=$(curl -s -o /dev/null -w '%{{http_code}}' --cacert {CaFile} --cert /certs/e2e-good-client/tls.crt --key /certs/e2e-good-client/tls.key "
            + "-H 'X-Forwarded-Client-Cert: Hash=forged' https://web.$NS.svc/ || true)\n"
            + $"echo pp=$(curl -s -o /dev/null -w '%{{http_code}}' --cacert {CaFile} --cert /certs/e2e-good-client/tls.crt --key /certs/e2e-good-client/tls.key "
            + "https://pp.$NS.svc/ || true)\n",
            RuntimeHarness.ServerCaSecret, "e2e-good-client");
        Assert.Equal("200", RuntimeHarness.Result(log, "header"));
        Assert.Equal("200", RuntimeHarness.Result(log, "pp"));

        var hash = Convert.ToHexStringLower(SHA256.HashData(cluster.Pki.GoodClientCertificate.RawData));
        var seen = await harness.ReadLogAsync(header.Metadata.Name, "app");
        Assert.Contains($"X-Forwarded-Client-Cert: Hash={hash};Subject=\"CN={E2ePki.GoodClient}\"", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", seen, StringComparison.Ordinal);

        // The PROXY v2 signature ends in "QUIT\n"; the CN travels as a UTF-8 sub-TLV.
        var received = await harness.ReadLogAsync(proxyProtocol.Metadata.Name, "app");
        Assert.Contains("QUIT\n", received, StringComparison.Ordinal);
        Assert.Contains(E2ePki.GoodClient, received, StringComparison.Ordinal);
    }

    /// <summary>
    /// An app that prints every request it receives and answers 200: busybox <c>nc</c> in the curl image (so the
    /// test needs no image of its own), one connection at a time.
    /// </summary>
    private static void RecordingApp(V1Container app)
    {
        app.Image = ClusterFixture.CurlImage;
        app.Command =
        [
            "sh", "-c",
            "while true; do printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\nConnection: close\\r\\n\\r\\nok\\n' | nc -l -p 8080; done",
        ];
    }

    [RuntimeFact]
    public async Task RotatingTheSecret_ChangesTheServedCertificate_WithoutRestart()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "rotate");
        var before = await harness.DeployAsync("web", []);

        using var rotated = cluster.Pki.IssueServer("web", harness.Namespace, "web-rotated");
        await cluster.Client.CoreV1.ReplaceNamespacedSecretAsync(
            E2ePki.TlsSecret(RuntimeHarness.ServerSecret, rotated, cluster.Pki.ServerCa), RuntimeHarness.ServerSecret, harness.Namespace);

        // The kubelet refreshes Secret volumes on its sync period (about a minute), then the proxy's poll sees the swap.
        var (ok, log) = await harness.RunCurlAsync(
            "rotate",
            "for i in $(seq 1 60); do\n"
            + $"  if curl -sv -o /dev/null --cacert {CaFile} https://web.$NS.svc/ 2>&1 | grep -i 'subject:' | grep -q 'web-rotated'; then echo rotated=yes; exit 0; fi\n"
            + "  sleep 3\n"
            + "done\necho rotated=no; exit 1\n",
            RuntimeHarness.ServerCaSecret);

        Assert.True(ok, log);
        var after = await harness.ReadPodAsync(before.Metadata.Name);
        Assert.Equal(before.Metadata.Uid, after.Metadata.Uid);
        Assert.All(AllStatuses(after), s => Assert.Equal(0, s.RestartCount));
    }

    [RuntimeFact]
    public async Task Probes_KeepThePodReady()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "probes");
        var pod = await harness.DeployAsync("web", [], probes: true);

        // Several probe periods (2 s each, failureThreshold 2): a probe broken by injection would have failed by now.
        await Task.Delay(TimeSpan.FromSeconds(20));
        var later = await harness.ReadPodAsync(pod.Metadata.Name);

        Assert.True(IsReady(later), $"pod {later.Metadata.Name} lost Ready: {KubernetesJson.Serialize(later.Status?.Conditions)}");
        Assert.All(AllStatuses(later), s => Assert.Equal(0, s.RestartCount));
        var app = later.Spec.Containers.Single(c => c.Name == "app");
        Assert.NotNull(app.ReadinessProbe);
        Assert.NotNull(app.LivenessProbe);
    }

    [RuntimeFact(minimumMinorVersion: 29)]
    public async Task JobWithNativeSidecar_Completes()
    {
        var jobs = await JobHarness.CreateAsync(cluster, "job-native");

        var (finished, pod) = await jobs.RunAsync(jobs.AppJob("job"));

        Assert.Equal(1, finished.Status.Succeeded);
        var proxy = Assert.Single(pod.Spec.InitContainers ?? [], c => c.Name == ProxyContainer);
        Assert.Equal("Always", proxy.RestartPolicy);
    }

    [RuntimeFact]
    public async Task JobWithClassicSidecar_Completes_WhenTheAppExits()
    {
        var jobs = await JobHarness.CreateAsync(cluster, "job-classic");
        var job = await jobs.InjectClassicAsync(jobs.AppJob("job"));

        var (finished, pod) = await jobs.RunAsync(job);

        Assert.Equal(1, finished.Status.Succeeded);
        Assert.True(pod.Spec.ShareProcessNamespace);
        Assert.Contains(pod.Spec.Containers, c => c.Name == ProxyContainer);
        var proxy = Assert.Single(pod.Status.ContainerStatuses, s => s.Name == ProxyContainer);
        Assert.Equal(0, proxy.State.Terminated?.ExitCode);
        Assert.Equal(0, proxy.RestartCount);
    }

    private static IEnumerable<V1ContainerStatus> AllStatuses(V1Pod pod) =>
        (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []);
}
