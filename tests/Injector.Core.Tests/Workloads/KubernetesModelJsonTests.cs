using System.Text.Json;
using Injector.Core.Workloads;
using k8s;
using k8s.Models;

namespace Injector.Core.Tests.Workloads;

public sealed class KubernetesModelJsonTests
{
    [Theory]
    [InlineData("100m")]
    [InlineData("1.5Gi")]
    [InlineData("0.5")]
    [InlineData("1e3")]
    [InlineData("1024Ki")]
    [InlineData("64Mi")]
    public void Writes_Quantities_AsKubernetesClientDoes_EveryTime(string quantity)
    {
        var value = new ResourceQuantity(quantity);
        var expected = KubernetesJson.Serialize(value);

        Assert.Equal(expected, JsonSerializer.Serialize(value, KubernetesModelJson.Options));
        Assert.Equal(expected, JsonSerializer.Serialize(value, KubernetesModelJson.Options));
    }

    [Fact]
    public void Writes_Pods_AsKubernetesClientDoes()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", Annotations = new Dictionary<string, string> { ["a/b"] = "c" } },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "app", Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2000m") } } }],
            },
        };

        Assert.Equal(KubernetesJson.Serialize(pod), JsonSerializer.Serialize(pod, KubernetesModelJson.Options));
    }

    /// <summary>The webhook decodes pods with these contracts: they read what KubernetesClient reads, numbers included.</summary>
    [Theory]
    [InlineData("\"250m\"")]
    [InlineData("2")]
    [InlineData("0.5")]
    [InlineData("1e3")]
    public void Reads_Pods_AsKubernetesClientDoes(string cpu)
    {
        var json = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"""
            + cpu + "}}}]}}";

        var pod = Assert.IsType<V1Pod>(WorkloadKinds.Deserialize(WorkloadKinds.Pod, System.Text.Encoding.UTF8.GetBytes(json)));

        Assert.Equal(KubernetesJson.Serialize(KubernetesJson.Deserialize<V1Pod>(json)), KubernetesJson.Serialize(pod));
        Assert.Null(WorkloadKinds.Deserialize("ConfigMap", System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void ReadingBackItsJson_GivesACopyThatSharesNothing()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", Annotations = new Dictionary<string, string> { ["a"] = "1" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Ports = [new V1ContainerPort { ContainerPort = 8080, Name = "http" }] }] },
        };
        var before = KubernetesJson.Serialize(pod);

        var copy = KubernetesModelJson.FromUtf8(KubernetesModelJson.ToUtf8(pod));
        copy.Metadata.Annotations["a"] = "2";
        copy.Spec.Containers[0].Ports[0].Name = null;
        copy.Spec.Containers.Add(new V1Container { Name = "tls-proxy" });

        Assert.Equal(before, KubernetesJson.Serialize(pod));
    }
}
