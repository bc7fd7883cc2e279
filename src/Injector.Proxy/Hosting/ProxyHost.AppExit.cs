using Injector.Proxy.Lifecycle;
using Injector.Proxy.Logging;

namespace Injector.Proxy.Hosting;

internal sealed partial class ProxyHost
{
    /// <summary>Reasons of <see cref="RequestStop"/>, as logged.</summary>
    internal static class StopReasons
    {
        public const string QuitQuitQuit = "quitquitquit";
        public const string AppExited = "app_exited";
    }

    private void StartAppExitWatch()
    {
        if (_settings.AppContainers == 0)
        {
            return;
        }

        string? reason = null;
        var census = _options.AppProcesses ?? ProcessCensus.OtherContainers(ProcessCensus.DefaultProcRoot, out reason);
        if (census is null)
        {
            // Without a way to tell the app's processes from the proxy's, leaving could cut the app off: stay.
            _log.Begin(LogLevel.Warning, LogEvents.AppExitWatchOff, "Cannot watch the app's processes; the proxy runs until SIGTERM or POST /quitquitquit")
                .Add("Reason", reason).Write();
            return;
        }

        _appExit = new AppExitWatcher(
            census,
            _settings.AppContainers,
            _options.AppExit,
            departure =>
            {
                _log.Begin(LogLevel.Information, LogEvents.AppExited, "The app's containers have no process left")
                    .Add("ContainersSeen", departure.ContainersSeen).Add("Departures", departure.Departures)
                    .Add("WaitedSeconds", Math.Round(departure.Waited.TotalSeconds, 1)).Write();
                RequestStop(StopReasons.AppExited);
            },
            seen => _log.Begin(LogLevel.Information, LogEvents.AppSeen, "App container seen")
                .Add("ContainersSeen", seen).Add("ContainersExpected", _settings.AppContainers).Write(),
            ex => _log.Begin(LogLevel.Warning, LogEvents.AppExitWatchOff, "Cannot read the app's processes any more; the proxy runs until SIGTERM or POST /quitquitquit")
                .Add(ex).Write());
        _appExit.Start(_stopHealth.Token);
        _log.Begin(LogLevel.Information, LogEvents.AppExitWatch, "The proxy leaves when the app's containers have exited")
            .Add("ContainersExpected", _settings.AppContainers).Add("GraceSeconds", _options.AppExit.Grace.TotalSeconds).Write();
    }
}
