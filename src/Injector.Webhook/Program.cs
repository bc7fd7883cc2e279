using Injector.Webhook;
using Serilog;
using Serilog.Formatting.Compact;

// Logs from before the host is built (bad configuration, a port in use) still come out as compact JSON.
Log.Logger = new LoggerConfiguration()
    .WriteTo.Console(new RenderedCompactJsonFormatter())
    .CreateBootstrapLogger();

try
{
    var app = WebhookApp.Build(args, ownsStaticLogger: true);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "tls-injector webhook stopped: {Error}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
