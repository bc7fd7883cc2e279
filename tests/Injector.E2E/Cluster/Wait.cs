using k8s;
using k8s.Models;

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

    /// <summary>Creates <paramref name="job"/> in <paramref name="ns"/> and waits until it has succeeded or failed; returns it as it finished.</summary>
    public static async Task<V1Job> JobFinishedAsync(IKubernetes client, V1Job job, string ns, TimeSpan timeout, string what)
    {
        var name = job.Metadata.Name;
        await client.BatchV1.CreateNamespacedJobAsync(job, ns);
        V1Job? finished = null;
        await UntilAsync(
            async () =>
            {
                finished = await client.BatchV1.ReadNamespacedJobAsync(name, ns);
                return finished.Status?.Succeeded > 0 || finished.Status?.Failed > 0;
            },
            timeout,
            what,
            TimeSpan.FromSeconds(2));
        return finished!;
    }
}
