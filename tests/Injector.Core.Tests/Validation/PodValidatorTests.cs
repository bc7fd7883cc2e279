using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Manifests;
using Injector.Core.Validation;
using Injector.Core.Workloads;
using Injector.Testing;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Injector.Core.Tests.Validation;

/// <summary>Contract section 4, rule by rule: each rule has a case that fails it and the base case passes them all.</summary>
public sealed class PodValidatorTests : IDisposable
{
    private const string Ns = "shop";
    private readonly TestPki _pki = new();
    private readonly FakeTimeProvider _time;
    private readonly ManifestSecretLookup _secrets;

    public PodValidatorTests()
    {
        _time = new FakeTimeProvider(_pki.Now);
        using var good = _pki.Issue("web.shop.svc");
        using var expired = _pki.Issue("old.shop.svc", lifetime: TimeSpan.FromDays(-1), notBefore: _pki.Now.AddDays(-60));
        using var expiring = _pki.Issue("soon.shop.svc", lifetime: TimeSpan.FromDays(3));
        using var other = _pki.Issue("other.shop.svc");
        using var client = _pki.Issue("client", clientAuth: true);
        using var foreign = _pki.Issue("foreign.shop.svc", issuer: _pki.OtherCa);

        var mismatched = _pki.ServerData(good);
        mismatched["tls.key"] = Injector.Tls.Certificates.CertificateGenerator.ToPrivateKeyPem(other);
        var noKey = _pki.ServerData(good);
        noKey["tls.key"] = null;
        var noCert = _pki.ServerData(good);
        noCert["tls.crt"] = null;
        var garbage = _pki.ServerData(good);
        garbage["tls.crt"] = "not a certificate";

        _secrets = new ManifestSecretLookup(
        [
            TestPki.Secret(Ns, "web-tls", _pki.ServerData(good)),
            TestPki.Secret(Ns, "expired-tls", _pki.ServerData(expired)),
            TestPki.Secret(Ns, "expiring-tls", _pki.ServerData(expiring)),
            TestPki.Secret(Ns, "mismatched-tls", mismatched),
            TestPki.Secret(Ns, "nokey-tls", noKey),
            TestPki.Secret(Ns, "nocert-tls", noCert),
            TestPki.Secret(Ns, "garbage-tls", garbage),
            TestPki.Secret(Ns, "foreign-chain-tls", _pki.ServerData(foreign)),
            TestPki.Secret(Ns, "client-auth-only-tls", _pki.ServerData(client)),
            TestPki.Secret(Ns, "mesh-ca", new Dictionary<string, string?> { ["ca.crt"] = _pki.CaPem }),
            TestPki.Secret(Ns, "no-ca-key", new Dictionary<string, string?> { ["tls.crt"] = _pki.CaPem }),
            TestPki.Secret(Ns, "leaf-as-ca", new Dictionary<string, string?> { ["ca.crt"] = Injector.Tls.Certificates.CertificateGenerator.ToCertificatePem(good) }),
        ],
            Ns);
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Allows_ValidPod_WithoutWarnings()
    {
        var result = await ValidateAsync(Pod());
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("mtls=required;client-ca-secret=mesh-ca")]
    [InlineData("mtls=optional;client-ca-secret=mesh-ca")]
    [InlineData("mtls=required;client-ca-secret=mesh-ca;allowed-clients=cn:batch,dns:ops.shop.svc,uri:spiffe://cluster.local/ns/shop/sa/web")]
    [InlineData("min-tls-version=1.3;plaintext=redirect")]
    [InlineData("ports=http:9443")]
    [InlineData("ports=8080")]
    [InlineData("mtls=disabled")]
    [InlineData("bind-loopback=true")]
    [InlineData("proxy-exit=auto")]
    [InlineData("proxy-exit=manual")]
    [InlineData("mtls=required;client-ca-secret=mesh-ca;client-identity=http-header")]
    [InlineData("mtls=optional;client-ca-secret=mesh-ca;client-identity=proxy-protocol")]
    [InlineData("client-identity=none")]
    public async Task Allows_ValidSettings(string annotations)
    {
        var result = await ValidateAsync(Pod(annotations));
        Assert.True(result.Allowed, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("secret=", "tls-injector.io/secret is missing")]
    [InlineData("secret=missing-tls", "Secret \"shop/missing-tls\" does not exist")]
    [InlineData("secret=nokey-tls", "has no tls.key key")]
    [InlineData("secret=nocert-tls", "has no tls.crt key")]
    [InlineData("secret=garbage-tls", "holds no '-----BEGIN CERTIFICATE-----' block")]
    [InlineData("secret=mismatched-tls", "does not match the certificate")]
    [InlineData("secret=expired-tls", "expired on")]
    [InlineData("secret=other/web-tls", "references another namespace")]
    [InlineData("secret=Web_TLS", "is not a valid Secret name")]
    [InlineData("mtls=optional", "tls-injector.io/client-ca-secret is missing")]
    [InlineData("mtls=required", "tls-injector.io/client-ca-secret is missing")]
    [InlineData("mtls=on", "tls-injector.io/mtls=\"on\" is not a valid value")]
    [InlineData("client-ca-secret=mesh-ca", "has no effect because tls-injector.io/mtls is disabled")]
    [InlineData("allowed-clients=cn:batch", "needs tls-injector.io/mtls=required")]
    [InlineData("mtls=optional;client-ca-secret=mesh-ca;allowed-clients=cn:batch", "needs tls-injector.io/mtls=required")]
    [InlineData("mtls=required;client-ca-secret=mesh-ca;allowed-clients=batch", "entry \"batch\" that is not an identity")]
    [InlineData("mtls=required;client-ca-secret=missing-ca", "Secret \"shop/missing-ca\" does not exist")]
    [InlineData("mtls=required;client-ca-secret=no-ca-key", "has no ca.crt key")]
    [InlineData("mtls=required;client-ca-secret=other/mesh-ca", "references another namespace")]
    [InlineData("min-tls-version=1.1", "is not a valid value. Fix: use 1.2 or 1.3")]
    [InlineData("plaintext=allow", "Fix: use reject or redirect")]
    [InlineData("mlts=required", "did you mean tls-injector.io/mtls?")]
    [InlineData("ports=htp", "names app port \"htp\", which no container declares")]
    [InlineData("ports=9999", "names app port \"9999\", which no container declares")]
    [InlineData("ports=70000", "outside 1-65535")]
    [InlineData("ports=http:0", "is not a number from 1 to 65535")]
    [InlineData("ports=http:8443:1", "is not APP or APP:TLS")]
    [InlineData("ports=http:9090", "already declares")]
    [InlineData("ports=http:15021", "its own health port")]
    [InlineData("ports=http,8080", "lists app port 8080 more than once")]
    [InlineData("ports=http,9090", "to the same TLS port 8443")]
    [InlineData("ports=dns", "which is UDP")]
    [InlineData("bind-loopback=yes", "Fix: use \"true\" or \"false\"")]
    [InlineData("proxy-exit=never", "tls-injector.io/proxy-exit=\"never\" is not a valid value. Fix: use \"auto\"")]
    [InlineData("mtls=required;client-ca-secret=mesh-ca;client-identity=xfcc", "tls-injector.io/client-identity=\"xfcc\" is not a valid value. Fix: use none, proxy-protocol")]
    [InlineData("client-identity=http-header", "needs verified clients, but tls-injector.io/mtls is disabled. Fix: set tls-injector.io/mtls=required")]
    [InlineData("mtls=disabled;client-identity=proxy-protocol", "needs verified clients")]
    public async Task Rejects_WrongSettings(string annotations, string expected)
    {
        var result = await ValidateAsync(Pod(annotations, extraPorts: true));
        Assert.False(result.Allowed);
        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal) && e.StartsWith("Pod \"shop/web\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rejects_NoPortsAnnotation_WhenSeveralPortsDeclared()
    {
        var result = await ValidateAsync(Pod(extraPorts: true));
        Assert.Contains(result.Errors, e => e.Contains("does not declare exactly one TCP container port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reports_EveryErrorAtOnce()
    {
        var result = await ValidateAsync(Pod("secret=missing-tls;mtls=sometimes;ports=nope"));
        Assert.Equal(3, result.Errors.Count);
    }

    [Theory]
    [InlineData("secret=expiring-tls", "expires on", false)]
    [InlineData("secret=expiring-tls", "expires on", true)]
    [InlineData("secret=foreign-chain-tls", "does not lead to the ca.crt shipped in the same Secret", false)]
    [InlineData("secret=client-auth-only-tls", "does not allow server authentication", false)]
    [InlineData("mtls=required;client-ca-secret=leaf-as-ca", "is not a CA certificate", false)]
    public async Task Warns_OrRejectsWhenStrict_CertificateProblems(string annotations, string expected, bool strict)
    {
        var result = await ValidateAsync(Pod(annotations), new InjectorOptions { Strict = strict });
        var messages = strict ? result.Errors : result.Warnings;
        Assert.Equal(!strict, result.Allowed);
        Assert.Contains(messages, w => w.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warns_WhenExpiryIsInsideConfiguredWindowOnly()
    {
        var narrow = await ValidateAsync(Pod("secret=expiring-tls"), new InjectorOptions { ExpiryWarningDays = 1 });
        Assert.Empty(narrow.Warnings);
        _time.Advance(TimeSpan.FromDays(2.5));
        var later = await ValidateAsync(Pod("secret=expiring-tls"), new InjectorOptions { ExpiryWarningDays = 1 });
        Assert.Contains(later.Warnings, w => w.Contains("expires on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warns_OnlyForSelectingServices_WhoseNamesTheCertificateLacks()
    {
        var services = new ManifestServiceLookup(
        [
            Service("web", new() { ["app"] = "web" }),                     // selects the pod; the certificate covers only web.shop.svc
            Service("web-admin", new() { ["app"] = "web", ["tier"] = "x" }), // does not select it (tier missing)
            Service("other", new() { ["app"] = "db" }),                    // does not select it
            Service("headless", []),                                       // no selector: selects nothing
        ],
            Ns);
        var pod = Pod();
        pod.Metadata.Labels["app"] = "web";

        var result = await new PodValidator(new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(pod)!, NamespaceInfo.Empty(Ns), _secrets, services, CancellationToken.None);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("certificate \"CN=web.shop.svc\" (DNS names: web.shop.svc) does not cover web, web.shop, web.shop.svc.cluster.local, names of Service \"shop/web\"", warning, StringComparison.Ordinal);
        Assert.True(result.Allowed);
    }

    [Fact]
    public async Task Accepts_WildcardCertificate_CoveringEveryServiceName()
    {
        using var wildcard = _pki.Issue("web", dnsNames: ["web", "web.shop", "*.shop.svc", "*.shop.svc.cluster.local"]);
        var secrets = new ManifestSecretLookup([TestPki.Secret(Ns, "web-tls", _pki.ServerData(wildcard))], Ns);
        var services = new ManifestServiceLookup([Service("web", new() { ["app"] = "web" })], Ns);
        var pod = Pod();
        pod.Metadata.Labels["app"] = "web";

        var result = await new PodValidator(new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(pod)!, NamespaceInfo.Empty(Ns), secrets, services, CancellationToken.None);

        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("8080", true)]
    [InlineData("", true)]
    [InlineData("http", false)]
    [InlineData("9090", false)]
    public async Task Warns_ServiceTargetingProtectedPortByNumber(string targetPort, bool expectWarning)
    {
        using var good = _pki.Issue("web", dnsNames: ["web", "web.shop", "web.shop.svc", "web.shop.svc.cluster.local"]);
        var secrets = new ManifestSecretLookup([TestPki.Secret(Ns, "web-tls", _pki.ServerData(good))], Ns);
        var service = Service("web", new() { ["app"] = "web" });
        service.Spec.Ports = [new V1ServicePort { Port = 8080, TargetPort = targetPort.Length == 0 ? null : targetPort }];
        var pod = Pod();
        pod.Metadata.Labels["app"] = "web";

        var result = await new PodValidator(new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(pod)!, NamespaceInfo.Empty(Ns), secrets, new ManifestServiceLookup([service], Ns), CancellationToken.None);

        Assert.Equal(expectWarning, result.Warnings.Any(w => w.Contains("by number, so its traffic reaches the app in plaintext", StringComparison.Ordinal) && w.Contains("Fix: targetPort: http", StringComparison.Ordinal)));
    }

    private static V1Service Service(string name, Dictionary<string, string> selector) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new V1ServiceSpec { Selector = selector },
    };

    [Fact]
    public async Task Warns_SecretMountedWithSubPath()
    {
        var pod = Pod();
        pod.Spec.Volumes = [new V1Volume { Name = "certs", Secret = new V1SecretVolumeSource { SecretName = "web-tls" } }];
        pod.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "certs", MountPath = "/certs/tls.crt", SubPath = "tls.crt" }];
        var result = await ValidateAsync(pod);
        Assert.True(result.Allowed);
        Assert.Contains(result.Warnings, w => w.Contains("subPath \"tls.crt\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warns_AnnotationsWithoutOptIn()
    {
        var pod = Pod();
        pod.Metadata.Labels.Remove("tls-injector.io/inject");
        var result = await ValidateAsync(pod);
        Assert.True(result.Allowed);
        Assert.Contains(result.Warnings, w => w.Contains("have no effect: not opted in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Allows_PodThatOptedOut_WhateverItsAnnotations()
    {
        var pod = Pod("secret=missing-tls");
        pod.Metadata.Labels["tls-injector.io/inject"] = "false";
        var result = await ValidateAsync(pod);
        Assert.True(result.Allowed);
    }

    [Fact]
    public async Task Validates_InjectedPod_AsItsOriginal()
    {
        var options = new InjectorOptions();
        var injected = new PodInjector(options).Inject(Pod("ports=http"), NamespaceInfo.Empty(Ns), ClusterInfo.Unknown);
        Assert.Equal(InjectionDecision.Injected, injected.Decision);
        var result = await ValidateAsync(injected.Pod);
        Assert.True(result.Allowed, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ports=8080")]
    [InlineData("ports=http")]
    [InlineData("ports=http:9443;mtls=required;client-ca-secret=mesh-ca")]
    public void Resolves_InjectedPod_ToTheSettingsItWasInjectedWith(string annotations)
    {
        var options = new InjectorOptions();
        var original = Pod(annotations);
        var before = Injector.Core.Settings.SettingsResolver.Resolve(original.Metadata, original.Spec, NamespaceInfo.Empty(Ns), options).Settings;
        var injected = new PodInjector(options).Inject(original, NamespaceInfo.Empty(Ns), ClusterInfo.Unknown).Pod;

        var after = Injector.Core.Settings.SettingsResolver.Resolve(injected.Metadata, injected.Spec, NamespaceInfo.Empty(Ns), options).Settings;

        Assert.NotNull(before);
        Assert.Equal(before.Hash(), after?.Hash());
        Assert.Equal(before.Ports, after!.Ports);
    }

    [Theory]
    [InlineData(WorkloadKinds.Deployment)]
    [InlineData(WorkloadKinds.StatefulSet)]
    [InlineData(WorkloadKinds.DaemonSet)]
    [InlineData(WorkloadKinds.ReplicaSet)]
    [InlineData(WorkloadKinds.Job)]
    [InlineData(WorkloadKinds.CronJob)]
    public async Task Rejects_WorkloadTemplate_NamingTheWorkload(string kind)
    {
        var pod = Pod("secret=missing-tls");
        var template = new V1PodTemplateSpec { Metadata = pod.Metadata, Spec = pod.Spec };
        var meta = new V1ObjectMeta { Name = "web", NamespaceProperty = Ns };
        object workload = kind switch
        {
            WorkloadKinds.Deployment => new V1Deployment { Metadata = meta, Spec = new V1DeploymentSpec { Template = template } },
            WorkloadKinds.StatefulSet => new V1StatefulSet { Metadata = meta, Spec = new V1StatefulSetSpec { Template = template } },
            WorkloadKinds.DaemonSet => new V1DaemonSet { Metadata = meta, Spec = new V1DaemonSetSpec { Template = template } },
            WorkloadKinds.ReplicaSet => new V1ReplicaSet { Metadata = meta, Spec = new V1ReplicaSetSpec { Template = template } },
            WorkloadKinds.Job => new V1Job { Metadata = meta, Spec = new V1JobSpec { Template = template } },
            _ => new V1CronJob { Metadata = meta, Spec = new V1CronJobSpec { JobTemplate = new V1JobTemplateSpec { Spec = new V1JobSpec { Template = template } } } },
        };
        var result = await new PodValidator(new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(workload)!, NamespaceInfo.Empty(Ns), _secrets, CancellationToken.None);
        Assert.Contains(result.Errors, e => e.StartsWith($"{kind} \"shop/web\"", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flags_LookupUnavailable_WhenTheSourceCannotAnswer()
    {
        var result = await new PodValidator(new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(Pod())!, NamespaceInfo.Empty(Ns), new UnreachableSecrets(), CancellationToken.None);
        Assert.True(result.LookupUnavailable);
        Assert.Contains(result.Errors, e => e.Contains("could not be read: connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Uses_NamespaceDefaults_AndNamesThemAsSuch()
    {
        var pod = Pod("secret=");
        var ns = new NamespaceInfo(Ns, new Dictionary<string, string>(), new Dictionary<string, string> { ["tls-injector.io/secret"] = "web-tls", ["tls-injector.io/mtls"] = "bogus" });
        var result = await new PodValidator(new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(pod)!, ns, _secrets, CancellationToken.None);
        Assert.Contains(result.Errors, e => e.Contains("namespace default annotation tls-injector.io/mtls=\"bogus\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyses_AnUnchangedSecret_OncePerValidator()
    {
        var validator = new PodValidator(new InjectorOptions(), _time);
        var template = WorkloadKinds.GetTemplate(Pod("mtls=required;client-ca-secret=mesh-ca"))!;

        var first = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), _secrets, CancellationToken.None);
        var second = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), _secrets, CancellationToken.None);

        Assert.True(first.Allowed, string.Join("\n", first.Errors));
        Assert.Equivalent(first, second, strict: true);
        Assert.Equal(2, validator.SecretAnalyses.Analysed); // web-tls and mesh-ca, once each
    }

    [Fact]
    public async Task Reanalyses_ASecret_WhenItsBytesChange()
    {
        using var good = _pki.Issue("web.shop.svc");
        using var foreign = _pki.Issue("web.shop.svc", issuer: _pki.OtherCa);
        var secrets = new ChangingSecrets(_pki.ServerData(good));
        var validator = new PodValidator(new InjectorOptions(), _time);
        var template = WorkloadKinds.GetTemplate(Pod())!;

        var before = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), secrets, CancellationToken.None);
        secrets.Data = _pki.ServerData(foreign);
        var after = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), secrets, CancellationToken.None);

        Assert.Empty(before.Warnings);
        Assert.Contains(after.Warnings, w => w.Contains("does not lead to the ca.crt", StringComparison.Ordinal));
        Assert.Equal(2, validator.SecretAnalyses.Analysed);
    }

    [Fact]
    public async Task JudgesExpiry_AtEachAdmission_OnAnAnalysedSecret()
    {
        using var leaf = _pki.Issue("web.shop.svc", lifetime: TimeSpan.FromDays(30));
        var secrets = new ChangingSecrets(_pki.ServerData(leaf));
        var time = new FakeTimeProvider(_pki.Now);
        var validator = new PodValidator(new InjectorOptions { ExpiryWarningDays = 7 }, time);
        var template = WorkloadKinds.GetTemplate(Pod())!;

        var fresh = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), secrets, CancellationToken.None);
        time.Advance(TimeSpan.FromDays(25));
        var soon = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), secrets, CancellationToken.None);
        time.Advance(TimeSpan.FromDays(6));
        var expired = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), secrets, CancellationToken.None);

        Assert.Empty(fresh.Warnings);
        Assert.Contains(soon.Warnings, w => w.Contains("expires on", StringComparison.Ordinal) && w.Contains("in 5 days", StringComparison.Ordinal));
        Assert.True(soon.Allowed);
        Assert.Contains(expired.Errors, e => e.Contains("expired on", StringComparison.Ordinal));
        Assert.Equal(1, validator.SecretAnalyses.Analysed);
    }

    [Fact]
    public async Task JudgesClientCaExpiry_AtEachAdmission_OnAnAnalysedSecret()
    {
        var time = new FakeTimeProvider(_pki.Now);
        var validator = new PodValidator(new InjectorOptions(), time);
        var template = WorkloadKinds.GetTemplate(Pod("mtls=required;client-ca-secret=mesh-ca"))!;

        var fresh = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), _secrets, CancellationToken.None);
        time.Advance(TimeSpan.FromDays(6 * 365));
        var later = await validator.ValidateAsync(template, NamespaceInfo.Empty(Ns), _secrets, CancellationToken.None);

        Assert.True(fresh.Allowed, string.Join("\n", fresh.Errors));
        Assert.Contains(later.Errors, e => e.Contains("client CA \"CN=tls-injector test CA\"", StringComparison.Ordinal) && e.Contains("expired on", StringComparison.Ordinal));
        Assert.Equal(2, validator.SecretAnalyses.Analysed);
    }

    private Task<ValidationResult> ValidateAsync(V1Pod pod, InjectorOptions? options = null)
        => new PodValidator(options ?? new InjectorOptions(), _time).ValidateAsync(WorkloadKinds.GetTemplate(pod)!, NamespaceInfo.Empty(Ns), _secrets, CancellationToken.None);

    /// <summary>The base pod, with <c>key=value;...</c> overrides of its tls-injector.io annotations (empty value removes).</summary>
    private static V1Pod Pod(string annotations = "", bool extraPorts = false)
    {
        var values = new Dictionary<string, string> { ["tls-injector.io/secret"] = "web-tls" };
        foreach (var pair in annotations.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (value.Length == 0)
            {
                values.Remove("tls-injector.io/" + key);
            }
            else
            {
                values["tls-injector.io/" + key] = value;
            }
        }

        List<V1ContainerPort> ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }];
        if (extraPorts)
        {
            ports.Add(new V1ContainerPort { Name = "admin", ContainerPort = 9090 });
            ports.Add(new V1ContainerPort { Name = "dns", ContainerPort = 5353, Protocol = "UDP" });
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "web",
                NamespaceProperty = Ns,
                Labels = new Dictionary<string, string> { ["tls-injector.io/inject"] = "true" },
                Annotations = values,
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "example/app:1", Ports = ports }] },
        };
    }

    /// <summary>One Secret whose data a test replaces, as a watch event would: a new dictionary each time.</summary>
    private sealed class ChangingSecrets(IReadOnlyDictionary<string, string?> data) : ISecretLookup
    {
        private IReadOnlyDictionary<string, byte[]> _data = DataOf(data);

        public IReadOnlyDictionary<string, string?> Data
        {
            set => _data = DataOf(value);
        }

        public Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
            => Task.FromResult(SecretLookupResult.Found(_data));

        private static Dictionary<string, byte[]> DataOf(IReadOnlyDictionary<string, string?> data)
            => TestPki.Secret(Ns, "web-tls", data).Data.ToDictionary(StringComparer.Ordinal);
    }

    private sealed class UnreachableSecrets : ISecretLookup
    {
        public Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
            => Task.FromResult(SecretLookupResult.Unavailable("connection refused"));
    }
}
