using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Injector.Proxy.Health;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Commands;

/// <summary>
/// <c>tls-proxy wait [--timeout S]</c>: polls the health port's <c>/started</c> until it answers 200, for a
/// <c>postStart</c> hook that holds the app's start until the proxy serves TLS (Linkerd's proxy-await). It polls
/// <c>/started</c>, not <c>/readyz</c>: readiness needs the app's port, and the app is what is being held back.
/// </summary>
internal static class WaitCommand
{
    public const int DefaultTimeoutSeconds = 60;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string[] args, Func<string, string?> getEnvironmentVariable, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var timeoutSeconds = DefaultTimeoutSeconds;
        if (args is ["--timeout", var text] || (args.Length == 1 && args[0].StartsWith("--timeout=", StringComparison.Ordinal) && (text = args[0]["--timeout=".Length..]) is not null))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out timeoutSeconds) || timeoutSeconds < 1)
            {
                await stderr.WriteLineAsync($"tls-proxy wait: --timeout '{text}' is not a whole number of seconds (1 or more).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }
        else if (args.Length > 0)
        {
            await stderr.WriteLineAsync("usage: tls-proxy wait [--timeout SECONDS]").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var settings = ProxySettings.Parse(getEnvironmentVariable, out var errors);
        if (settings is null)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"tls-proxy wait: {error}").ConfigureAwait(false);
            }

            return ExitCodes.Failed;
        }

        var endPoint = new IPEndPoint(IPAddress.Loopback, settings.HealthPort);
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(timeoutSeconds);
        string last = "no answer yet";
        while (clock.Elapsed < deadline)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(1));
                var status = await HttpStatusClient.GetStatusAsync(endPoint, ReadOnlyMemory<byte>.Empty, HealthPaths.Started, [], tls: false, attempt.Token).ConfigureAwait(false);
                if (status == 200)
                {
                    await stdout.WriteLineAsync($"tls-proxy wait: started after {clock.ElapsedMilliseconds} ms").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                last = $"{HealthPaths.Started} answered {status}";
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                last = ex.Message;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        await stderr.WriteLineAsync($"tls-proxy wait: the proxy did not start within {timeoutSeconds} s ({endPoint}: {last}); see the tls-proxy container's log.").ConfigureAwait(false);
        return ExitCodes.Failed;
    }
}
