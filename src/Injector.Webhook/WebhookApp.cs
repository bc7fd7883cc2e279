using System.Diagnostics.CodeAnalysis;
using Injector.Core.Configuration;
using Injector.Webhook.Admission;
using Injector.Webhook.Configuration;
using Injector.Webhook.Health;
using Serilog;
using Serilog.Events;
using Serilog.Settings.Configuration;
using Serilog.Formatting.Compact;
using Microsoft.Extensions.Options;

namespace Injector.Webhook;

/// <summary>Builds the webhook's host: used by <c>Program</c> and by the tests, so both run the same thing.</summary>
internal static partial class WebhookApp
{
    /// <summary>The host's switch (a host setting, so it must come in with the arguments) for watching configuration files.</summary>
    private const string NoConfigurationReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>
    /// The configured app, not yet started. <paramref name="configure"/> lets tests override configuration and
    /// services; <paramref name="ownsStaticLogger"/> is true only for the real process (it replaces the bootstrap logger);
    /// <paramref name="console"/> false keeps tests' output quiet (they read events from a sink instead).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, bool ownsStaticLogger = false, bool console = true)
    {
        // Configuration is read and validated once, at start (ValidateOptions), so appsettings.json is not watched:
        // the watch covers the content root, and a log redirected to a file there would wake it on every request.
        var builder = WebApplication.CreateSlimBuilder([NoConfigurationReload, .. NormalizeArguments(args)]);
        builder.Services.AddInjectorWebhook();
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                logger
                    .MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    // Off, not just quiet: while this logger is enabled at any level, ASP.NET Core starts an
                    // Activity and a logging scope for every request, only to put a random trace id, RequestId and
                    // ConnectionId on the admission line (the review's uid is what identifies an admission).
                    .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off);
                ReadSettings(logger, builder.Configuration);
                logger
                    .ReadFrom.Services(services)
                    .Enrich.FromLogContext();
                if (console)
                {
                    // Request threads hand events to a background writer rather than wait on stdout.
                    logger.WriteTo.Async(sink => sink.Console(new RenderedCompactJsonFormatter()));
                }
            },
            preserveStaticLogger: !ownsStaticLogger);
        configure?.Invoke(builder);

        var app = builder.Build();
        ValidateOptions(app.Services);
        Log.Starting(app.Logger, BuildInfo.Version, app.Services.GetRequiredService<IOptions<InjectorOptions>>().Value.ProxyImage);
        // No request-logging middleware: each admission writes its own line (Admission/AdmissionLog.cs); probes and
        // scrapes are not logged, and a failure outside the admission pipeline is logged by Kestrel at Error.
        app.MapAdmission();
        app.MapHealth();
        return app;
    }

    /// <summary>
    /// The <c>Serilog</c> section: Serilog's own settings (<c>MinimumLevel</c>, the documented part), in every build.
    /// NativeAOT can neither find sink assemblies through the dependency context nor call methods it trimmed, and one
    /// path means the tests read configuration the way the image does.
    /// </summary>
    private static void ReadSettings(LoggerConfiguration logger, IConfiguration configuration)
        => logger.ReadFrom.Configuration(configuration, new ConfigurationReaderOptions(typeof(LoggerConfiguration).Assembly));

    /// <summary>
    /// Every configuration error of both sections at once, before anything starts (ValidateOnStart would stop at the
    /// first section that fails, and Kestrel reads <see cref="WebhookOptions"/> even earlier).
    /// </summary>
    private static void ValidateOptions(IServiceProvider services)
    {
        var failures = new List<string>();
        void Check<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>()
            where T : class
        {
            try
            {
                _ = services.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException ex)
            {
                failures.AddRange(ex.Failures);
            }
        }

        Check<InjectorOptions>();
        Check<WebhookOptions>();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("Injector and Webhook", typeof(WebhookOptions), failures);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, Microsoft.Extensions.Logging.LogLevel.Information, "tls-injector webhook {Version} starting; injects {ProxyImage}")]
        public static partial void Starting(Microsoft.Extensions.Logging.ILogger logger, string version, string proxyImage);
    }

    /// <summary><c>--self-signed</c> is the documented switch; configuration binding knows it as <c>--Webhook:SelfSigned=true</c>.</summary>
    internal static string[] NormalizeArguments(string[] args)
        => [.. args.Select(a => a == "--self-signed" ? "--Webhook:SelfSigned=true" : a)];
}
