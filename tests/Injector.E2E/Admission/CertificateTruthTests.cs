using Injector.Core.Audit;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.E2E.Cluster;
using Injector.Tls.Certificates;
using k8s;
using k8s.Models;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Admission;

/// <summary>
/// Against a real API server: certificate problems shown as admission warnings by <c>kubectl apply</c>
/// (and <c>--dry-run=server</c>), and a pod that escaped injection found by the audit.
/// </summary>
[Collection(ClusterSuite.Name)]
public sealed class CertificateTruthTests(ClusterFixture cluster)
{
    [ClusterFact]
    public async Task Warns_OnServerDryRun_ForAnExpiringCertificateWithoutTheServiceNames()
    {
        var ns = await cluster.CreateNamespaceAsync("warnings", "enabled");
        using var leaf = CertificateGenerator.Issue(cluster.Pki.ServerCa, new LeafSpec
        {
            CommonName = "somewhere-else",
            DnsNames = ["somewhere-else.example"],
            NotAfter = DateTimeOffset.UtcNow.AddDays(2),
        });
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(E2ePki.TlsSecret("e2e-expiring", leaf, cluster.Pki.ServerCa), ns);
        await cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", "web"), ns);

        using var response = await cluster.Client.AppsV1.CreateNamespacedDeploymentWithHttpMessagesAsync(
            Deployment("web", AppTemplate("web", Annotations(("secret", "e2e-expiring")))), ns, dryRun: "All");

        var warnings = response.Response.Headers.TryGetValues("Warning", out var values) ? string.Join("\n", values) : string.Empty;
        Assert.Contains("expires on", warnings, StringComparison.Ordinal);
        Assert.Contains("does not cover", warnings, StringComparison.Ordinal);
        Assert.Contains(ns + "/web", warnings, StringComparison.Ordinal); // the Service whose names are missing
        Assert.Null((await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.FirstOrDefault());
    }

    [ClusterFact]
    public async Task Audit_FindsThePodCreatedBeforeItsNamespaceOptedIn()
    {
        var ns = await cluster.CreateNamespaceAsync("escaped", injection: null);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("early", AppTemplate("early", Annotations(("secret", "e2e-server")))), ns);
        var before = await cluster.Client.CoreV1.ReadNamespaceAsync(ns);
        Assert.Null(FindProxy((await cluster.Client.CoreV1.ReadNamespacedPodAsync("early", ns)).Spec));

        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"" + Prefix + "injection\":\"enabled\"}}}", V1Patch.PatchType.MergePatch);
        var opted = await cluster.Client.CoreV1.PatchNamespaceAsync(patch, ns);
        var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        var info = new NamespaceInfo(ns, new Dictionary<string, string>(opted.Metadata.Labels), new Dictionary<string, string>(opted.Metadata.Annotations ?? new Dictionary<string, string>()));

        var findings = PodAuditor.Audit(pods, new Dictionary<string, NamespaceInfo> { [ns] = info }, new InjectorOptions());

        Assert.DoesNotContain(Prefix + "injection", before.Metadata.Labels?.Keys ?? []);
        var finding = Assert.Single(findings);
        Assert.Equal("early", finding.Pod);
        Assert.Equal(AuditProblem.Escaped, finding.Problem);
    }
}
