namespace Injector.E2E.Cluster;

/// <summary>Polls a condition until it holds or a deadline passes.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0}s waiting for {what}.");
            }

            await Task.Delay(interval ?? TimeSpan.FromSeconds(1));
        }
    }
}
