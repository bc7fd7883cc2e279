using System.Net;
using System.Security.Authentication;
using Injector.Core.Admission;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Validation;
using Injector.Webhook.Admission;
using Injector.Webhook.Audit;
using Injector.Webhook.Bootstrap;
using Injector.Webhook.Certificates;
using Injector.Webhook.Cluster;
using Injector.Webhook.Configuration;
using Injector.Webhook.Health;
using Injector.Webhook.Metrics;
using k8s;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Injector.Webhook;

/// <summary>The webhook's one registration call.</summary>
internal static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the webhook needs: validated options (<c>Injector</c>, <c>Webhook</c>), Core's injector
    /// and validator, the API client and caches, the serving certificate, the bootstrap, metrics, and Kestrel's
    /// HTTPS-only endpoint. Bad options stop the host at start (<c>ValidateOnStart</c>).
    /// </summary>
    public static IServiceCollection AddInjectorWebhook(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InjectorOptions>().BindConfiguration(InjectorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName)
            .PostConfigure<IConfiguration>((o, configuration) => o.Bootstrap.Namespace ??= configuration["POD_NAMESPACE"])
            .PostConfigure<IConfiguration>((o, configuration) => o.Audit.Namespace ??= configuration["POD_NAMESPACE"])
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().ValidateDataAnnotations();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InjectorOptions>, InjectorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, AuditOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WebhookMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(WebhookMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddSingleton(sp => new PodInjector(sp.GetRequiredService<IOptions<InjectorOptions>>().Value));
        services.AddSingleton(sp => new PodValidator(sp.GetRequiredService<IOptions<InjectorOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AdmissionPolicy(sp.GetRequiredService<PodInjector>(), sp.GetRequiredService<PodValidator>(),
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value.LookupFailurePolicy));

        services.TryAddSingleton(sp => KubernetesClientFactory.Create(sp.GetRequiredService<IOptions<WebhookOptions>>().Value));
        services.TryAddSingleton<IKubernetes>(sp => sp.GetRequiredService<KubernetesApiClient>());
        services.AddSingleton<NamespaceCache>();
        services.AddSingleton<SecretCache>();
        services.AddSingleton<ISecretLookup>(sp => sp.GetRequiredService<SecretCache>());
        services.AddSingleton(sp => new NativeSidecarProbe(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<IOptions<InjectorOptions>>(), sp.GetRequiredService<IConfiguration>()["POD_NAMESPACE"]));
        services.AddSingleton<ClusterState>();
        services.AddSingleton<NetworkPolicyCache>();
        services.AddSingleton<ServiceCache>();
        services.AddSingleton<CheckCaches>();
        services.AddSingleton<AuditEventRecorder>();
        services.AddSingleton<AuditCycle>();
        services.AddSingleton<AuditLoop>();

        services.AddSingleton<ServingCertificate>();
        services.AddSingleton<CertificateService>();
        services.AddSingleton<WebhookBootstrapper>();

        // Order matters: hosted services start in registration order, all before Kestrel accepts a connection.
        services.AddHostedService(sp => sp.GetRequiredService<CertificateService>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookBootstrapper>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterState>());
        services.AddHostedService(sp => sp.GetRequiredService<CheckCaches>());
        services.AddHostedService(sp => sp.GetRequiredService<AuditLoop>());

        services.AddSingleton<AdmissionLog>();
        services.AddSingleton<AdmissionPipeline>();
        services.AddSingleton<AdmissionCluster>();
        services.AddSingleton<Readiness>();
        services.AddHealthChecks().AddCheck<Readiness>("readiness", tags: [HealthEndpoints.ReadyTag]);

        // Read raw: HostOptions are built with the host, before the validated WebhookOptions may throw, and a bad
        // value is still reported by WebhookOptions' own validation.
        services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
            host.ShutdownTimeout = TimeSpan.TryParse(configuration[$"{WebhookOptions.SectionName}:{nameof(WebhookOptions.ShutdownTimeout)}"], System.Globalization.CultureInfo.InvariantCulture, out var timeout)
                ? timeout
                : new WebhookOptions().ShutdownTimeout);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<WebhookOptions>, ServingCertificate>(ConfigureKestrel);
        return services;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<WebhookOptions> webhook, ServingCertificate certificate)
    {
        WebhookOptions o;
        try
        {
            o = webhook.Value;
        }
        catch (OptionsValidationException)
        {
            // Kestrel is built with the host, before WebhookApp reports every configuration error at once.
            return;
        }

        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = o.MaxRequestBodyBytes;
        void Https(ListenOptions listen)
        {
            listen.Protocols = o.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
            listen.UseHttps(https =>
            {
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;

                // Called on every handshake: a certificate swapped in ServingCertificate is served from the next connection on.
                https.ServerCertificateSelector = (_, _) => certificate.Current;
            });
        }

        if (o.BindAddress is "*" or "")
        {
            kestrel.ListenAnyIP(o.Port, Https);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(o.BindAddress), o.Port, Https);
        }
    }
}
