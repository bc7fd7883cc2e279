namespace Injector.Webhook.Tests.Support;

/// <summary>Polls a webhook's <c>/readyz</c> until 200; generous, because the machine may be loaded.</summary>
internal static class Readyz
{
    /// <summary>
    /// Returns once <c>/readyz</c> answers 200. <paramref name="check"/> runs before each poll (to fail fast when the
    /// server is gone); past <paramref name="timeout"/>, throws with the last answer and <paramref name="describe"/>'s text.
    /// </summary>
    public static async Task WaitAsync(HttpClient client, Uri baseAddress, TimeSpan timeout, Func<string> describe, Action? check = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            check?.Invoke();
            try
            {
                using var response = await client.GetAsync(new Uri(baseAddress, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The webhook did not become ready: {last}; {describe()}");
    }
}
