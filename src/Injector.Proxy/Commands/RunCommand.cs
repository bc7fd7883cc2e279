using System.Net.Sockets;
using System.Runtime.InteropServices;
using Injector.Proxy.Hosting;
using Injector.Proxy.Logging;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Commands;

/// <summary>
/// <c>tls-proxy run</c>: parse the environment, serve until SIGTERM or SIGINT (or until the host asks to stop:
/// <c>/quitquitquit</c>, or the app has exited), drain, exit.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(Func<string, string?> getEnvironmentVariable, Stream stdout, TextWriter stderr)
    {
        var settings = ProxySettings.Parse(getEnvironmentVariable, out var errors);
        if (settings is null)
        {
            new ProxyLogger(stdout, LogLevel.Information)
                .Begin(LogLevel.Fatal, LogEvents.ConfigurationInvalid, "Invalid configuration; fix the TLS_PROXY_* variables (the injector writes them)")
                .Add("Errors", errors).Write();
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"tls-proxy: {error}").ConfigureAwait(false);
            }

            return ExitCodes.Failed;
        }

        var log = new ProxyLogger(stdout, ProxyLogger.ParseLevel(settings.LogLevel));
        if (!ProcessHardening.MakeNotDumpable())
        {
            log.Begin(LogLevel.Warning, LogEvents.HardeningFailed, "prctl(PR_SET_DUMPABLE, 0) failed; containers sharing the process namespace may read this process's memory")
                .Add("Errno", Marshal.GetLastPInvokeError()).Write();
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var host = new ProxyHost(settings, log);
        await using (host.ConfigureAwait(false))
        {
            try
            {
                host.Start();
            }
            catch (SocketException ex)
            {
                log.Begin(LogLevel.Fatal, LogEvents.StartupFailed, "Cannot listen; is another container of the pod using the port?")
                    .Add("Routes", settings.Routes.Select(r => r.ToString())).Add("HealthPort", settings.HealthPort).Add(ex).Write();
                return ExitCodes.Failed;
            }

            await Task.WhenAny(stop.Task, host.StopRequested).ConfigureAwait(false);
            await host.DrainAsync(TimeSpan.FromSeconds(settings.DrainSeconds)).ConfigureAwait(false);
        }

        log.Begin(LogLevel.Information, LogEvents.Stopped, "tls-proxy stopped").Write();
        return ExitCodes.Ok;

        void OnSignal(PosixSignalContext context)
        {
            // Keep the runtime from exiting at once: the drain decides when the process ends.
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
