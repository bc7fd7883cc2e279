using Injector.Proxy;
using Injector.Proxy.Commands;
using Injector.Proxy.Hosting;

// tls-proxy            run the proxy (configuration from TLS_PROXY_* environment variables)
// tls-proxy wait       block until the proxy in this pod has started (for a postStart hook)
SocketEngineMode.PreferInlineCompletions(Environment.GetEnvironmentVariable);

// Every command, so the postStart hook's `wait` is as closed to the pod's other containers as the proxy (run logs a failure).
ProcessHardening.MakeNotDumpable();
return args switch
{
    [] or ["run"] => await RunCommand.RunAsync(Environment.GetEnvironmentVariable, Console.OpenStandardOutput(), Console.Error).ConfigureAwait(false),
    ["wait", .. var rest] => await WaitCommand.RunAsync(rest, Environment.GetEnvironmentVariable, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false),
    ["-h" or "--help" or "help"] => Usage(Console.Out, ExitCodes.Ok),
    _ => Usage(Console.Error, ExitCodes.Usage),
};

static int Usage(TextWriter writer, int code)
{
    writer.WriteLine("""
        usage: tls-proxy [run]                 run the TLS sidecar proxy (configured by TLS_PROXY_* variables)
               tls-proxy wait [--timeout S]    wait until the proxy in this pod answers /started (default 60 s)
        """);
    return code;
}
