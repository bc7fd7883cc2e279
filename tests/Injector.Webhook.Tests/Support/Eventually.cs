namespace Injector.Webhook.Tests.Support;

/// <summary>Polls a condition with a generous deadline (the machine may be loaded); never asserts on speed.</summary>
internal static class Eventually
{
    public static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => WaitAsync(() => Task.FromResult(condition()), what, timeout);
}
