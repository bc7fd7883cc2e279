namespace Injector.Core.Manifests;

/// <summary>Why manifest parsing is not trim- or AOT-safe; the webhook, which is, never reads YAML manifests.</summary>
internal static class YamlReflection
{
    public const string Reason = "Manifests are read with YamlDotNet's reflection-based (de)serializers (KubernetesYaml included), which NativeAOT does not support.";
}
