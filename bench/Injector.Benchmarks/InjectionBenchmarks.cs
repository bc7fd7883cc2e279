using BenchmarkDotNet.Attributes;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using k8s;
using k8s.Models;

namespace Injector.Benchmarks;

/// <summary>
/// Decide + mutate + patch for a typical 2-container pod (app with a named port and an HTTP readiness probe, plus a
/// log shipper), as the webhook does per admission. Target (issue 3): under 20 µs and 20 KB allocated per pod.
/// </summary>
[MemoryDiagnoser]
public class InjectionBenchmarks
{
    private readonly PodInjector _injector = new(new InjectorOptions());
    private readonly NamespaceInfo _namespace = NamespaceInfo.Empty("shop");
    private readonly ClusterInfo _cluster = ClusterInfo.FromVersion("1", "30");
    private V1Pod _pod = null!;
    private V1Pod _injected = null!;
    private V1Pod _notOptedIn = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pod = KubernetesJson.Deserialize<V1Pod>(PodJson);
        _injected = _injector.Inject(_pod, _namespace, _cluster).Pod;
        _notOptedIn = KubernetesJson.Deserialize<V1Pod>(PodJson.Replace("\"tls-injector.io/inject\": \"true\"", "\"team\": \"web\"", StringComparison.Ordinal));
    }

    [Benchmark(Baseline = true, Description = "inject 2-container pod (decide+mutate+patch)")]
    public int Inject() => _injector.Inject(_pod, _namespace, _cluster).Patch.Count;

    [Benchmark(Description = "re-admit injected pod (idempotence check)")]
    public int Reinvoke() => _injector.Inject(_injected, _namespace, _cluster).Patch.Count;

    [Benchmark(Description = "skip pod that is not opted in")]
    public int Skip() => _injector.Inject(_notOptedIn, _namespace, _cluster).Patch.Count;

    /// <summary>The pod from the recorded 1.28 fixture, with a second container, as a ReplicaSet creates it.</summary>
    internal const string PodJson = """
    {
      "apiVersion": "v1", "kind": "Pod",
      "metadata": {
        "generateName": "web-7c9f8-", "namespace": "shop",
        "labels": { "app": "web", "pod-template-hash": "7c9f8", "tls-injector.io/inject": "true" },
        "annotations": { "tls-injector.io/secret": "web-tls" },
        "ownerReferences": [{ "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7c9f8", "uid": "2b1c7e5a-0d1d-4c8a-8b5c-81488fca5dde", "controller": true, "blockOwnerDeletion": true }]
      },
      "spec": {
        "containers": [
          {
            "name": "app", "image": "example/app:1", "imagePullPolicy": "IfNotPresent",
            "ports": [{ "name": "http", "containerPort": 8080, "protocol": "TCP" }],
            "env": [{ "name": "LOG_LEVEL", "value": "info" }],
            "resources": { "requests": { "cpu": "100m", "memory": "128Mi" } },
            "readinessProbe": { "httpGet": { "path": "/ready", "port": "http", "scheme": "HTTP" }, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3 },
            "volumeMounts": [{ "name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true }],
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"
          },
          {
            "name": "log-shipper", "image": "example/fluent-bit:3", "imagePullPolicy": "IfNotPresent",
            "resources": { "requests": { "cpu": "10m", "memory": "32Mi" } },
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"
          }
        ],
        "volumes": [{ "name": "kube-api-access", "projected": { "sources": [{ "serviceAccountToken": { "path": "token", "expirationSeconds": 3607 } }] } }],
        "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default", "securityContext": {}, "schedulerName": "default-scheduler",
        "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority"
      }
    }
    """;
}
