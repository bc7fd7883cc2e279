using System.Collections.Concurrent;
using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>
/// Renders every kustomization under <c>manifests/</c>, loads each document strictly into its typed model,
/// and checks the invariants that keep the install safe. Needs kubectl, no cluster.
/// </summary>
public sealed class ManifestTests
{
    private const string InstallNamespace = "tls-injector";
    private const string WebhookName = "tls-injector-webhook";
    private const string ConfigurationName = "tls-injector";
    private const string CertSecret = "tls-injector-webhook-tls";
    private const string CertDirectory = "/etc/tls-injector/webhook-tls";

    private static readonly string[] ExcludedNamespaces = ["kube-system", "kube-public", "kube-node-lease", InstallNamespace];
    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedManifests>>> Cache = new();

    /// <summary>Every kustomization a user may render; the base is listed too so it never rots.</summary>
    private static readonly string[] AllKustomizations = ["base", "overlays/cert-manager", "overlays/cert-manager-audit", "overlays/self-signed"];

    public static TheoryData<string> Kustomizations => new(AllKustomizations);

    /// <summary>The overlays that are installable on their own (the base lacks a serving certificate).</summary>
    public static TheoryData<string> Overlays => new() { "overlays/cert-manager", "overlays/cert-manager-audit", "overlays/self-signed" };

    [KubectlFact]
    public void EveryKustomization_IsListed()
    {
        var onDisk = Directory.GetFiles(Support.ManifestPaths.Root, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Support.ManifestPaths.Root, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Where(d => d != "base/webhook" && !d.StartsWith("components/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var listed = AllKustomizations.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(listed, onDisk);
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task Renders_AndLoadsStrictly(string kustomization)
    {
        var manifests = await RenderAsync(kustomization);

        var documents = manifests.Yaml.Split("\n---\n").Length;
        Assert.Equal(documents, manifests.Objects.Count);
    }

    /// <summary>
    /// The recommended labels on every object, and never in a selector: a Deployment's selector is immutable, so a
    /// version there would fail every upgrade, and a Service or PDB selecting on it would drop the other version's pods.
    /// </summary>
    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryObject_HasTheRecommendedLabels_AndNoSelectorChangesAcrossVersions(string kustomization)
    {
        var m = await RenderAsync(kustomization);

        foreach (var obj in m.Objects)
        {
            var metadata = Assert.IsAssignableFrom<IMetadata<V1ObjectMeta>>(obj).Metadata;
            foreach (var label in new[] { "app.kubernetes.io/part-of", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by" })
            {
                Assert.True(metadata.Labels?.ContainsKey(label) == true, $"{kustomization}: {obj.GetType().Name} {metadata.Name} lacks the label {label}.");
            }
        }

        string[] stable = ["app.kubernetes.io/component", "app.kubernetes.io/name"];
        var deployment = m.Single<V1Deployment>(WebhookName);
        Assert.Equal(stable, deployment.Spec.Selector.MatchLabels.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(stable, m.Single<V1Service>(WebhookName).Spec.Selector.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(stable, m.Single<V1PodDisruptionBudget>(WebhookName).Spec.Selector.MatchLabels.Keys.Order(StringComparer.Ordinal));
    }

    [KubectlFact]
    public void StrictLoading_RejectsUnknownFields()
    {
        // Proves the guard above has teeth: a misplaced field must fail the load, not vanish.
        const string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  prots: []\n";
        Assert.ThrowsAny<Exception>(() => k8s.KubernetesYaml.LoadAllFromString(yaml, ManifestTypeMap.Create(), strict: true));
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Overlay_HasEveryComponent(string overlay)
    {
        var m = await RenderAsync(overlay);

        var ns = m.Single<V1Namespace>(InstallNamespace);
        Assert.Equal("disabled", ns.Metadata.Labels["tls-injector.io/injection"]);
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        m.Single<V1ServiceAccount>("tls-injector");
        m.Single<V1Deployment>(WebhookName);
        m.Single<V1Service>(WebhookName);
        m.Single<V1PodDisruptionBudget>(WebhookName);
        m.Single<V1MutatingWebhookConfiguration>(ConfigurationName);
        m.Single<V1ValidatingWebhookConfiguration>(ConfigurationName);
        var binding = m.Single<V1ClusterRoleBinding>("tls-injector");
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == "tls-injector" && s.NamespaceProperty == InstallNamespace);
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryWebhook_HasExplicitSafeSettings(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var mutating = m.Single<V1MutatingWebhookConfiguration>(ConfigurationName);
        var validating = m.Single<V1ValidatingWebhookConfiguration>(ConfigurationName);

        Assert.Equal(2, mutating.Webhooks.Count);
        foreach (var webhook in mutating.Webhooks)
        {
            AssertCommon(webhook.Name, webhook.FailurePolicy, webhook.SideEffects, webhook.MatchPolicy, webhook.TimeoutSeconds,
                webhook.AdmissionReviewVersions, webhook.ClientConfig, webhook.NamespaceSelector, "/mutate");
            Assert.Equal("Fail", webhook.FailurePolicy);
            Assert.Equal("IfNeeded", webhook.ReinvocationPolicy);
            var rule = Assert.Single(webhook.Rules);
            Assert.Equal([""], rule.ApiGroups);
            Assert.Equal(["v1"], rule.ApiVersions);
            Assert.Equal(["CREATE"], rule.Operations);
            Assert.Equal(["pods"], rule.Resources);
        }

        var validate = Assert.Single(validating.Webhooks);
        AssertCommon(validate.Name, validate.FailurePolicy, validate.SideEffects, validate.MatchPolicy, validate.TimeoutSeconds,
            validate.AdmissionReviewVersions, validate.ClientConfig, validate.NamespaceSelector, "/validate");
        var covered = validate.Rules
            .SelectMany(r => r.Resources.SelectMany(res => r.ApiGroups.Select(g => (Group: g, Resource: res, r.Operations, Versions: r.ApiVersions))))
            .ToList();
        foreach (var (group, resource) in new[]
                 {
                     ("", "pods"), ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"),
                     ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"),
                 })
        {
            var rule = Assert.Single(covered, c => c.Group == group && c.Resource == resource);
            Assert.Equal(["CREATE", "UPDATE"], rule.Operations.Order(StringComparer.Ordinal));

            // 1.19 and 1.20 serve CronJob only as batch/v1beta1; matchPolicy Equivalent cannot convert to batch/v1 there.
            Assert.Equal(resource == "cronjobs" ? ["v1", "v1beta1"] : ["v1"], rule.Versions.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// The native-sidecar probe's dry-run pod (labels as <c>NativeSidecarProbe.Pod</c> sets them) may be created in the
    /// install namespace, and none of our webhooks is sent it: not even on 1.19 and 1.20, whose namespaces lack the
    /// <c>kubernetes.io/metadata.name</c> label the exclusions by name select on.
    /// </summary>
    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task SidecarProbePod_IsAllowed_AndReachesNoWebhook(string overlay)
    {
        var m = await RenderAsync(overlay);
        var role = m.Single<V1Role>("tls-injector-sidecar-probe");
        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["create"], rule.Verbs);
        var binding = m.Single<V1RoleBinding>("tls-injector-sidecar-probe");
        Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == "tls-injector" && s.NamespaceProperty == InstallNamespace);

        var podLabels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/name"] = "tls-injector",
            ["app.kubernetes.io/component"] = "sidecar-probe",
            ["tls-injector.io/inject"] = "false",
        };
        var declared = m.Single<V1Namespace>(InstallNamespace).Metadata.Labels;
        foreach (var nsLabels in new[] { new Dictionary<string, string>(declared) { ["kubernetes.io/metadata.name"] = InstallNamespace }, new Dictionary<string, string>(declared) })
        {
            var mutating = m.Single<V1MutatingWebhookConfiguration>(ConfigurationName).Webhooks
                .Where(w => LabelSelectors.Matches(w.NamespaceSelector, nsLabels) && LabelSelectors.Matches(w.ObjectSelector, podLabels));
            var validating = m.Single<V1ValidatingWebhookConfiguration>(ConfigurationName).Webhooks
                .Where(w => LabelSelectors.Matches(w.NamespaceSelector, nsLabels) && LabelSelectors.Matches(w.ObjectSelector, podLabels));
            Assert.Empty(mutating.Select(w => w.Name).Concat(validating.Select(w => w.Name)));
        }
    }

    /// <summary>The component for API servers 1.19 and 1.20 changes the PodDisruptionBudget's apiVersion and nothing else.</summary>
    [KubectlFact]
    public async Task Kube119Component_OnlyMovesThePdbToPolicyV1Beta1()
    {
        var dir = Directory.CreateTempSubdirectory("tls-injector-kube-1.19-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: ["{Path.GetRelativePath(dir, Support.ManifestPaths.Of("overlays/self-signed"))}"]
                components: ["{Path.GetRelativePath(dir, Support.ManifestPaths.Of("components/kube-1.19"))}"]
                """);
            var old = await Support.ExternalTool.RunAsync(Support.ExternalTool.Find("kubectl")!, ["kustomize", dir], TimeSpan.FromSeconds(60));
            Assert.True(old.ExitCode == 0, old.StandardError);

            const string Pdb = "\nkind: PodDisruptionBudget\n";
            var current = (await RenderAsync("overlays/self-signed")).Yaml;
            Assert.Contains("apiVersion: policy/v1" + Pdb, current, StringComparison.Ordinal);
            Assert.Equal(current.Replace("apiVersion: policy/v1" + Pdb, "apiVersion: policy/v1beta1" + Pdb, StringComparison.Ordinal), old.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The webhook's pods accept its HTTPS port only (admission, probes and /metrics share it), from anywhere:
    /// the API server is rarely a selectable pod.</summary>
    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task WebhookNetworkPolicy_AdmitsOnlyTheHttpsPort(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var deployment = m.Single<V1Deployment>(WebhookName);
        var policy = m.Single<V1NetworkPolicy>(WebhookName);

        Assert.Equal(InstallNamespace, policy.Metadata.NamespaceProperty);
        Assert.True(LabelSelectors.Matches(policy.Spec.PodSelector, deployment.Spec.Template.Metadata.Labels.AsReadOnly()));
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        var rule = Assert.Single(policy.Spec.Ingress);
        Assert.Null(rule.FromProperty);
        var port = Assert.Single(rule.Ports);
        Assert.Equal("TCP", port.Protocol);
        var https = Assert.Single(deployment.Spec.Template.Spec.Containers[0].Ports);
        Assert.Contains(port.Port.Value, new[] { https.Name, https.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.All(m.All<V1NetworkPolicy>(), p => Assert.Equal(WebhookName, p.Metadata.Name));
    }

    /// <summary>failurePolicy Fail makes the webhook critical: it runs in a class of its own, below the system classes.</summary>
    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task Deployment_RunsInItsOwnPriorityClass(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var name = m.Single<V1Deployment>(WebhookName).Spec.Template.Spec.PriorityClassName;

        Assert.False(string.IsNullOrEmpty(name));
        Assert.False(name.StartsWith("system-", StringComparison.Ordinal), "system-* classes are meant for kube-system");
        var priority = m.Single<V1PriorityClass>(name);
        Assert.NotNull(priority.Value);
        Assert.InRange(priority.Value.Value, 1, 1_999_999_999);
        Assert.NotEqual(true, priority.GlobalDefault);
    }

    /// <summary>Secrets read on demand need only <c>get</c>: the component turns the cache off and narrows the rule to match.</summary>
    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task SecretsOnDemandComponent_LeavesOnlyGetOnSecrets(string overlay)
    {
        var m = await RenderedManifests.RenderWithComponentAsync(overlay, "components/secrets-on-demand");
        var before = await RenderAsync(overlay);

        var rule = Assert.Single(m.Single<V1ClusterRole>("tls-injector").Rules, r => r.Resources.Contains("secrets"));
        Assert.Equal(["get"], rule.Verbs);
        Assert.Contains(Assert.Single(before.Single<V1ClusterRole>("tls-injector").Rules, r => r.Resources.Contains("secrets")).Verbs, v => v == "watch");
        var pod = m.Single<V1Deployment>(WebhookName).Spec.Template.Spec;
        Assert.Equal("false", m.Single<V1ConfigMap>(pod.Containers[0].EnvFrom.Single().ConfigMapRef.Name).Data["Webhook__CacheSecrets"]);
        Assert.All(m.All<V1ClusterRole>().SelectMany(r => r.Rules).Where(r => r.Resources.Contains("secrets")), r => Assert.Equal(["get"], r.Verbs));
    }

    private static void AssertCommon(
        string name, string? failurePolicy, string sideEffects, string? matchPolicy, int? timeoutSeconds,
        IList<string> reviewVersions, Admissionregistrationv1WebhookClientConfig clientConfig, V1LabelSelector? namespaceSelector, string path)
    {
        Assert.True(failurePolicy is "Fail" or "Ignore", $"{name}: failurePolicy must be set explicitly, was '{failurePolicy}'.");
        Assert.Equal("None", sideEffects);
        Assert.Equal("Equivalent", matchPolicy);
        Assert.NotNull(timeoutSeconds);
        Assert.InRange(timeoutSeconds.Value, 1, 10);
        Assert.Equal(["v1", "v1beta1"], reviewVersions);
        Assert.Null(clientConfig.Url);
        Assert.Equal(WebhookName, clientConfig.Service.Name);
        Assert.Equal(InstallNamespace, clientConfig.Service.NamespaceProperty);
        Assert.Equal(path, clientConfig.Service.Path);
        Assert.Equal(443, clientConfig.Service.Port);

        var byName = Assert.Single(namespaceSelector?.MatchExpressions ?? [], e => e.Key == "kubernetes.io/metadata.name");
        Assert.Equal("NotIn", byName.OperatorProperty);
        Assert.Subset(byName.Values.ToHashSet(), ExcludedNamespaces.ToHashSet());
    }

    /// <summary>Every combination of namespace and pod label reaches the webhook the contract says, and never twice.</summary>
    [KubectlTheory]
    [InlineData("enabled", null, "namespace.tls-injector.io")]
    [InlineData("enabled", "true", "namespace.tls-injector.io")]
    [InlineData("enabled", "false", null)]
    [InlineData("disabled", "true", null)]
    [InlineData("disabled", null, null)]
    [InlineData(null, "true", "pod.tls-injector.io")]
    [InlineData(null, "false", null)]
    [InlineData(null, null, null)]
    [InlineData("something-else", "true", "pod.tls-injector.io")]
    public async Task MutatingSelectors_SendEachPodAtMostOnce(string? namespaceLabel, string? podLabel, string? expectedWebhook)
    {
        var m = await RenderAsync("base");
        var mutating = m.Single<V1MutatingWebhookConfiguration>(ConfigurationName);

        foreach (var ns in new[] { "team-a", "default", "kube-system", "kube-public", "kube-node-lease", InstallNamespace })
        {
            var nsLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns };
            if (namespaceLabel is not null)
            {
                nsLabels["tls-injector.io/injection"] = namespaceLabel;
            }

            var podLabels = new Dictionary<string, string> { ["app"] = "demo" };
            if (podLabel is not null)
            {
                podLabels["tls-injector.io/inject"] = podLabel;
            }

            var matched = mutating.Webhooks
                .Where(w => LabelSelectors.Matches(w.NamespaceSelector, nsLabels) && LabelSelectors.Matches(w.ObjectSelector, podLabels))
                .Select(w => w.Name)
                .ToList();

            var excluded = ExcludedNamespaces.Contains(ns);
            Assert.True(matched.Count <= 1, $"namespace {ns} ({namespaceLabel}), pod ({podLabel}) reaches {string.Join(", ", matched)}");
            Assert.Equal(excluded ? null : expectedWebhook, matched.SingleOrDefault());
        }
    }

    [KubectlFact]
    public async Task ValidatingSelector_SkipsExcludedAndDisabledNamespaces()
    {
        var m = await RenderAsync("base");
        var validate = Assert.Single(m.Single<V1ValidatingWebhookConfiguration>(ConfigurationName).Webhooks);

        bool Reaches(string ns, string? label)
        {
            var labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns };
            if (label is not null)
            {
                labels["tls-injector.io/injection"] = label;
            }

            return LabelSelectors.Matches(validate.NamespaceSelector, labels);
        }

        Assert.True(Reaches("team-a", null));
        Assert.True(Reaches("team-a", "enabled"));
        Assert.False(Reaches("team-a", "disabled"));
        Assert.All(ExcludedNamespaces, ns => Assert.False(Reaches(ns, "enabled")));
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task Deployment_IsRestrictedAndHighlyAvailable(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var deployment = m.Single<V1Deployment>(WebhookName);
        var pod = deployment.Spec.Template.Spec;

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.NotNull(pod.Affinity?.PodAntiAffinity);
        Assert.Equal("tls-injector", pod.ServiceAccountName);
        Assert.NotEqual(true, pod.HostNetwork);
        Assert.NotEqual(true, pod.HostPID);
        Assert.NotEqual(true, pod.HostIPC);
        Assert.True(pod.SecurityContext?.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
        Assert.All(pod.Volumes ?? [], v => Assert.Null(v.HostPath));

        var pdb = m.Single<V1PodDisruptionBudget>(WebhookName);
        Assert.True(LabelSelectors.Matches(pdb.Spec.Selector, deployment.Spec.Template.Metadata.Labels.AsReadOnly()));
        Assert.True(LabelSelectors.Matches(deployment.Spec.Selector, deployment.Spec.Template.Metadata.Labels.AsReadOnly()));
        var service = m.Single<V1Service>(WebhookName);
        Assert.True(LabelSelectors.Matches(new V1LabelSelector { MatchLabels = service.Spec.Selector }, deployment.Spec.Template.Metadata.Labels.AsReadOnly()));

        var container = Assert.Single(pod.Containers);
        Assert.Equal("tls-injector/webhook:dev", container.Image);
        var security = container.SecurityContext;
        Assert.NotNull(security);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.NotEqual(true, security.Privileged);
        Assert.Equal(["ALL"], security.Capabilities?.Drop);
        Assert.Empty(security.Capabilities?.Add ?? []);
        Assert.True(pod.SecurityContext?.RunAsUser is > 0 || security.RunAsUser is > 0, "the webhook must run as a non-root UID");

        Assert.NotNull(container.Resources?.Requests);
        Assert.NotNull(container.Resources?.Limits);
        Assert.True(container.Resources.Limits.ContainsKey("memory"));

        var https = Assert.Single(container.Ports, p => p.Name == "https");
        Assert.Equal(8443, https.ContainerPort);
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal(443, servicePort.Port);
        Assert.Equal("https", servicePort.TargetPort.Value);

        Assert.Equal(("HTTPS", "/healthz"), (container.LivenessProbe?.HttpGet?.Scheme, container.LivenessProbe?.HttpGet?.Path));
        Assert.Equal(("HTTPS", "/readyz"), (container.ReadinessProbe?.HttpGet?.Scheme, container.ReadinessProbe?.HttpGet?.Path));

        var podNamespace = Assert.Single(container.Env, e => e.Name == "POD_NAMESPACE");
        Assert.Equal("metadata.namespace", podNamespace.ValueFrom?.FieldRef?.FieldPath);

        var configMapName = Assert.Single(container.EnvFrom).ConfigMapRef.Name;
        var config = m.Single<V1ConfigMap>(configMapName);
        Assert.Equal("tls-injector/tls-proxy:dev", config.Data["Injector__ProxyImage"]);
        Assert.Equal(InstallNamespace, config.Data["Injector__InjectorNamespace"]);
        Assert.Equal("8443", config.Data["Webhook__Port"]);
    }

    /// <summary>A misspelt <c>Injector__*</c> key would be ignored by configuration binding; catch it here.</summary>
    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task ConfigMapKeys_NameRealInjectorOptions(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var pod = m.Single<V1Deployment>(WebhookName).Spec.Template.Spec;
        var config = m.Single<V1ConfigMap>(pod.Containers[0].EnvFrom.Single().ConfigMapRef.Name);

        foreach (var key in config.Data.Keys.Where(k => k.StartsWith("Injector__", StringComparison.Ordinal)))
        {
            var type = typeof(Injector.Core.Configuration.InjectorOptions);
            foreach (var part in key.Split("__").Skip(1).Where(p => !int.TryParse(p, out _)))
            {
                var property = type.GetProperty(part);
                Assert.True(property is not null, $"{kustomization}: {key} names no property {part} of {type.Name}.");
                type = property.PropertyType;
            }
        }

        Assert.All(config.Data.Keys, k => Assert.True(
            k.StartsWith("Injector__", StringComparison.Ordinal) || k.StartsWith("Webhook__", StringComparison.Ordinal) || k.StartsWith("Serilog__", StringComparison.Ordinal),
            $"{kustomization}: {k} is in no configuration section the webhook reads"));
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task SecretVolumes_AreMountedReadOnly(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var pod = m.Single<V1Deployment>(WebhookName).Spec.Template.Spec;
        var secretVolumes = (pod.Volumes ?? []).Where(v => v.Secret is not null || v.Projected is not null).Select(v => v.Name).ToHashSet();

        foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
        {
            foreach (var mount in container.VolumeMounts ?? [])
            {
                if (secretVolumes.Contains(mount.Name))
                {
                    Assert.True(mount.ReadOnlyProperty, $"{kustomization}: secret volume {mount.Name} is mounted writable in {container.Name}.");
                }
            }
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task Rbac_IsLeastPrivilege(string kustomization)
    {
        var m = await RenderAsync(kustomization);
        var rules = m.All<V1ClusterRole>().SelectMany(r => r.Rules.Select(rule => (Cluster: true, rule)))
            .Concat(m.All<V1Role>().SelectMany(r => r.Rules.Select(rule => (Cluster: false, rule))))
            .ToList();

        foreach (var (cluster, rule) in rules)
        {
            Assert.DoesNotContain("*", rule.Verbs);
            Assert.DoesNotContain("*", rule.Resources ?? []);
            Assert.DoesNotContain("*", rule.ApiGroups ?? []);
            var writes = rule.Verbs.Intersect(["create", "update", "patch", "delete", "deletecollection"]).ToList();

            if (rule.Resources?.Contains("secrets") == true && writes.Count > 0)
            {
                // Only the bootstrap's CA Secret may be written, and only inside the install namespace.
                Assert.False(cluster, "no ClusterRole may write Secrets");
                Assert.Equal(["create"], writes);
            }

            if (rule.Resources?.Contains("pods") == true && writes.Count > 0)
            {
                // Only the native-sidecar probe's dry-run create, and only inside the install namespace.
                Assert.False(cluster, "no ClusterRole may write pods");
                Assert.Equal(["create"], writes);
            }

            if (rule.Resources?.Any(r => r.EndsWith("webhookconfigurations", StringComparison.Ordinal)) == true)
            {
                Assert.Equal([ConfigurationName], rule.ResourceNames);
                Assert.Empty(writes.Except(["patch", "update"]));
            }
        }

        foreach (var role in m.All<V1Role>())
        {
            Assert.Equal(InstallNamespace, role.Metadata.NamespaceProperty);
        }
    }

    [KubectlFact]
    public async Task CertManagerOverlay_IssuesTheServingCertificateAndInjectsCa()
    {
        var m = await RenderAsync("overlays/cert-manager");
        var issuers = m.All<CertManagerIssuer>().ToDictionary(i => i.Metadata.Name);
        var certificates = m.All<CertManagerCertificate>().ToDictionary(c => c.Metadata.Name);

        var serving = certificates.Values.Single(c => c.Spec.SecretName == CertSecret);
        Assert.Contains($"{WebhookName}.{InstallNamespace}.svc", serving.Spec.DnsNames ?? []);
        Assert.Contains("server auth", serving.Spec.Usages ?? []);
        var caIssuer = issuers[serving.Spec.IssuerRef.Name];
        Assert.NotNull(caIssuer.Spec.Ca);
        var ca = certificates.Values.Single(c => c.Spec.SecretName == caIssuer.Spec.Ca.SecretName);
        Assert.True(ca.Spec.IsCA);
        Assert.NotNull(issuers[ca.Spec.IssuerRef.Name].Spec.SelfSigned);
        Assert.All(m.All<CertManagerCertificate>(), c => Assert.Equal(InstallNamespace, c.Metadata.NamespaceProperty));
        Assert.All(m.All<CertManagerIssuer>(), i => Assert.Equal(InstallNamespace, i.Metadata.NamespaceProperty));

        var injectFrom = $"{InstallNamespace}/{serving.Metadata.Name}";
        Assert.Equal(injectFrom, m.Single<V1MutatingWebhookConfiguration>(ConfigurationName).Metadata.Annotations["cert-manager.io/inject-ca-from"]);
        Assert.Equal(injectFrom, m.Single<V1ValidatingWebhookConfiguration>(ConfigurationName).Metadata.Annotations["cert-manager.io/inject-ca-from"]);

        var pod = m.Single<V1Deployment>(WebhookName).Spec.Template.Spec;
        var volume = Assert.Single(pod.Volumes, v => v.Secret?.SecretName == CertSecret);
        var mount = Assert.Single(pod.Containers[0].VolumeMounts, v => v.Name == volume.Name);
        Assert.Equal(CertDirectory, mount.MountPath);
    }

    [KubectlFact]
    public async Task SelfSignedOverlay_BootstrapsWithoutSecretMount()
    {
        var m = await RenderAsync("overlays/self-signed");
        var deployment = m.Single<V1Deployment>(WebhookName);
        var pod = deployment.Spec.Template.Spec;
        Assert.DoesNotContain(pod.Volumes ?? [], v => v.Secret is not null);
        Assert.DoesNotContain(pod.Containers[0].VolumeMounts ?? [], v => v.MountPath == CertDirectory);

        var config = m.Single<V1ConfigMap>(pod.Containers[0].EnvFrom.Single().ConfigMapRef.Name);
        Assert.Equal("true", config.Data["Webhook__Bootstrap__Enabled"]);
        Assert.Equal(WebhookName, config.Data["Webhook__Bootstrap__ServiceName"]);
        Assert.Equal(ConfigurationName, config.Data["Webhook__Bootstrap__MutatingWebhookConfiguration"]);
        Assert.Equal(ConfigurationName, config.Data["Webhook__Bootstrap__ValidatingWebhookConfiguration"]);

        // The bootstrap must be able to do exactly what it does: create/read its CA Secret, patch the two configurations.
        var role = m.All<V1Role>().Single(r => r.Rules.Any(rule => rule.Resources.Contains("secrets")));
        Assert.Contains(role.Rules, r => r.Verbs.Contains("create") && r.Resources.Contains("secrets"));
        Assert.Contains(role.Rules, r => r.Verbs.Contains("get") && (r.ResourceNames?.Contains("tls-injector-webhook-ca") ?? false));
        Assert.Contains(m.All<V1RoleBinding>(), b => b.RoleRef.Name == role.Metadata.Name && b.Subjects.Any(s => s.Name == "tls-injector"));
        var patchRules = m.All<V1ClusterRole>().SelectMany(r => r.Rules).Where(r => r.Verbs.Contains("patch")).ToList();
        Assert.Contains(patchRules, r => r.Resources.Contains("mutatingwebhookconfigurations"));
        Assert.Contains(patchRules, r => r.Resources.Contains("validatingwebhookconfigurations"));

        // Nothing from cert-manager may remain: the overlay must work on a cluster without its CRDs.
        Assert.Empty(m.All<CertManagerCertificate>());
        Assert.Null(m.Single<V1MutatingWebhookConfiguration>(ConfigurationName).Metadata.Annotations);
    }

    private static Task<RenderedManifests> RenderAsync(string kustomization) =>
        Cache.GetOrAdd(kustomization, k => new Lazy<Task<RenderedManifests>>(() => RenderedManifests.RenderAsync(k))).Value;
}
