using System.Text.Json;
using Injector.Core.Admission;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Manifests;
using Injector.Core.Validation;
using k8s.Models;

namespace Injector.Core.Tests.Admission;

/// <summary>
/// The one admission policy both webhooks call: the same words for a namespace that cannot be read, and the
/// NetworkPolicy advice checked against the API before it reaches a user who applied the pod with its policy.
/// </summary>
public sealed class AdmissionPolicyTests
{
    private const string OptedInPod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"app":"web","tls-injector.io/inject":"true"},
         "annotations":{"tls-injector.io/secret":"web-tls"}},
         "spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":8080}]}]}}
        """;

    [Theory]
    [InlineData("CREATE")]
    [InlineData("UPDATE")]
    public async Task Refuses_WithOneMessageShape_WhenTheNamespaceCannotBeRead(string operation)
    {
        var cluster = new Cluster { Namespace = NamespaceLookup.Unavailable("namespace \"shop\" could not be read from the API: timeout") };
        var policy = Policy(LookupFailurePolicy.Deny);

        var mutated = await policy.MutateAsync(Request("Pod", "CREATE", OptedInPod), cluster, CancellationToken.None);
        var validated = await policy.ValidateAsync(Request("Pod", operation, OptedInPod), cluster, CancellationToken.None);

        foreach (var decision in new[] { mutated, validated })
        {
            Assert.False(decision.Allowed);
            Assert.StartsWith("Pod \"shop/web\": tls-injector could not ", decision.Message, StringComparison.Ordinal);
            Assert.EndsWith(": namespace \"shop\" could not be read from the API: timeout. Retry when the API is reachable (Webhook:LookupFailurePolicy=Deny).", decision.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Injects_WithAWarning_WhenTheNamespaceCannotBeReadAndPolicyAllows()
    {
        var cluster = new Cluster { Namespace = NamespaceLookup.Unavailable("timeout") };

        var decision = await Policy(LookupFailurePolicy.Allow).MutateAsync(Request("Pod", "CREATE", OptedInPod), cluster, CancellationToken.None);

        Assert.Equal(AdmissionResults.Injected, decision.Result);
        Assert.Contains(decision.Warnings, w => w.Contains("could not decide on injection and admitted it without its namespace's labels", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Advises_OnlyWhenTheApiAgrees_ForAPodAUserApplied(bool livePolicy, bool advised)
    {
        var cluster = new Cluster { LivePolicies = livePolicy ? [SelectAll()] : [] };

        var decision = await Policy(LookupFailurePolicy.Deny).MutateAsync(Request("Pod", "CREATE", OptedInPod), cluster, CancellationToken.None);

        Assert.Equal(AdmissionResults.Injected, decision.Result);
        Assert.Equal(advised, decision.Warnings.Any(w => w.Contains("no NetworkPolicy selects", StringComparison.Ordinal)));
        Assert.Equal(1, cluster.LiveReads);
    }

    [Fact]
    public async Task Ignores_WhatNeitherWebhookHandles()
    {
        var cluster = new Cluster();
        var policy = Policy(LookupFailurePolicy.Deny);

        var deleted = await policy.ValidateAsync(Request("Pod", "DELETE", OptedInPod), cluster, CancellationToken.None);
        var updated = await policy.MutateAsync(Request("Pod", "UPDATE", OptedInPod), cluster, CancellationToken.None);

        Assert.Equal(AdmissionResults.Ignored, deleted.Result);
        Assert.Equal(AdmissionResults.Ignored, updated.Result);
        Assert.Equal(0, cluster.NamespaceReads);
    }

    private static AdmissionPolicy Policy(LookupFailurePolicy lookupFailure)
    {
        var options = new InjectorOptions();
        return new AdmissionPolicy(new PodInjector(options), new PodValidator(options, TimeProvider.System), lookupFailure);
    }

    private static AdmissionRequest Request(string kind, string operation, string obj) => JsonSerializer.Deserialize<AdmissionRequest>(
        $$"""{"uid":"u","kind":{"group":"","version":"v1","kind":"{{kind}}"},"namespace":"shop","operation":"{{operation}}","object":{{obj}}}""")!;

    private static V1NetworkPolicy SelectAll() => new()
    {
        Metadata = new V1ObjectMeta { Name = "all", NamespaceProperty = "shop" },
        Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress"] },
    };

    /// <summary>A cluster whose cache has no NetworkPolicy yet; what the API answers is set per test.</summary>
    private sealed class Cluster : IAdmissionCluster
    {
        public NamespaceLookup Namespace { get; init; } = NamespaceLookup.Found(NamespaceInfo.Empty("shop"));

        public IReadOnlyList<V1NetworkPolicy> LivePolicies { get; init; } = [];

        public int LiveReads { get; private set; }

        public int NamespaceReads { get; private set; }

        public ClusterInfo Info => ClusterInfo.Unknown;

        public ISecretLookup Secrets { get; } = new ManifestSecretLookup([], "shop");

        public IServiceLookup Services { get; } = new ManifestServiceLookup([], "shop");

        public IServiceLookup LiveServices => Services;

        public Task<NamespaceLookup> GetNamespaceAsync(string name, CancellationToken cancellationToken)
        {
            NamespaceReads++;
            return Task.FromResult(Namespace);
        }

        public IReadOnlyList<V1NetworkPolicy> NetworkPolicies(string namespaceName) => [];

        public Task<IReadOnlyList<V1NetworkPolicy>?> LiveNetworkPoliciesAsync(string namespaceName, CancellationToken cancellationToken)
        {
            LiveReads++;
            return Task.FromResult<IReadOnlyList<V1NetworkPolicy>?>(LivePolicies);
        }
    }
}
