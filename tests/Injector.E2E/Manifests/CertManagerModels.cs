using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Injector.E2E.Manifests;

// The subset of cert-manager.io/v1 that our overlay uses, with cert-manager's own field names
// (cert-manager/cert-manager pkg/apis/certmanager/v1/types_certificate.go, types_issuer.go).
// KubernetesClient ships no cert-manager models; strict parsing against these still catches a
// misspelt or misplaced field, since any field not declared here fails the load.

/// <summary>cert-manager.io/v1 Certificate.</summary>
internal sealed class CertManagerCertificate : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public CertificateSpec Spec { get; set; } = new();
}

internal sealed class CertificateSpec
{
    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }

    [JsonPropertyName("commonName")]
    public string? CommonName { get; set; }

    [JsonPropertyName("dnsNames")]
    public IList<string>? DnsNames { get; set; }

    [JsonPropertyName("ipAddresses")]
    public IList<string>? IpAddresses { get; set; }

    [JsonPropertyName("isCA")]
    public bool? IsCA { get; set; }

    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    [JsonPropertyName("renewBefore")]
    public string? RenewBefore { get; set; }

    [JsonPropertyName("usages")]
    public IList<string>? Usages { get; set; }

    [JsonPropertyName("privateKey")]
    public CertificatePrivateKey? PrivateKey { get; set; }

    [JsonPropertyName("issuerRef")]
    public IssuerReference IssuerRef { get; set; } = new();
}

internal sealed class CertificatePrivateKey
{
    [JsonPropertyName("algorithm")]
    public string? Algorithm { get; set; }

    [JsonPropertyName("size")]
    public int? Size { get; set; }

    [JsonPropertyName("encoding")]
    public string? Encoding { get; set; }

    [JsonPropertyName("rotationPolicy")]
    public string? RotationPolicy { get; set; }
}

internal sealed class IssuerReference
{
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}

/// <summary>cert-manager.io/v1 Issuer (only the selfSigned and ca issuer types).</summary>
internal sealed class CertManagerIssuer : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public IssuerSpec Spec { get; set; } = new();
}

internal sealed class IssuerSpec
{
    [JsonPropertyName("selfSigned")]
    public SelfSignedIssuer? SelfSigned { get; set; }

    [JsonPropertyName("ca")]
    public CaIssuer? Ca { get; set; }
}

internal sealed class SelfSignedIssuer
{
    [JsonPropertyName("crlDistributionPoints")]
    public IList<string>? CrlDistributionPoints { get; set; }
}

internal sealed class CaIssuer
{
    [JsonPropertyName("secretName")]
    public string SecretName { get; set; } = string.Empty;
}
