using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Injector.Webhook.Tests.Health;

/// <summary>SIGTERM (StopAsync) lets an admission already in flight finish before the process exits.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Drains_InFlightAdmission_OnStop()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await WebhookHost.StartAsync(api, configure: builder =>
            builder.Services.AddSingleton<IStartupFilter>(new SignalFilter(arrived)));

        // Large enough that the client's write buffer flushes the first part to the wire on its own.
        var review = AdmissionFixtures.PodCreate();
        review["request"]!["object"]!["metadata"]!["annotations"]!["example.com/padding"] = new string('x', 256 * 1024);
        var body = Encoding.UTF8.GetBytes(review.ToJsonString());
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var sending = host.Client.PostAsync(new Uri(host.BaseAddress, "/mutate"), content);
        await pipe.Writer.WriteAsync(body.AsMemory(0, body.Length / 2));
        await Task.WhenAny(arrived.Task, sending).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(sending.IsCompleted, sending.Exception?.ToString() ?? "the request finished before its body was sent");

        // Half the body is in; the host is told to stop; the rest arrives afterwards and is still answered.
        var lifetime = host.App.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = host.App.StopAsync();
        await Task.Run(() => lifetime.ApplicationStopping.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
        Assert.False(stopping.IsCompleted);
        await pipe.Writer.WriteAsync(body.AsMemory(body.Length / 2));
        await pipe.Writer.CompleteAsync();

        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await AdmissionAnswer.ReadAsync(response)).Allowed);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AnAdmissionTheCallerAbandons_IsLogged_AndTheNextIsServed()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await WebhookHost.StartAsync(api, configure: builder =>
            builder.Services.AddSingleton<IStartupFilter>(new SignalFilter(arrived)));

        var review = AdmissionFixtures.PodCreate();
        review["request"]!["object"]!["metadata"]!["annotations"]!["example.com/padding"] = new string('x', 256 * 1024);
        var body = Encoding.UTF8.GetBytes(review.ToJsonString());
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = body.Length;
        using var hangUp = new CancellationTokenSource();
        var sending = host.Client.PostAsync(new Uri(host.BaseAddress, "/mutate"), content, hangUp.Token);
        await pipe.Writer.WriteAsync(body.AsMemory(0, body.Length / 2));
        await Task.WhenAny(arrived.Task, sending).WaitAsync(TimeSpan.FromSeconds(30));

        // The caller gives up with half the body sent (HttpClient then closes the connection).
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Serilog.Events.LogEvent? line;
        while ((line = host.Logs.Events.FirstOrDefault(e => CollectingSink.Property(e, "RequestPath") == "/mutate")) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no line for the abandoned admission");
            await Task.Delay(20);
        }

        // Which of the two Kestrel reports first depends on timing: the reset (abandoned) or the short body (400).
        Assert.Contains(CollectingSink.Property(line, "Decision"), new[] { "abandoned", "rejected" });
        if (CollectingSink.Property(line, "Decision") == "rejected")
        {
            Assert.Equal("400", CollectingSink.Property(line, "StatusCode"));
        }

        using var next = await host.PostAsync("/mutate", AdmissionFixtures.PodCreate().ToJsonString());
        Assert.True((await AdmissionAnswer.ReadAsync(next)).Allowed);
    }

    /// <summary>Signals when a request to /mutate has reached the app, before its body is read.</summary>
    private sealed class SignalFilter(TaskCompletionSource arrived) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                if (context.Request.Path == "/mutate")
                {
                    arrived.TrySetResult();
                }

                await proceed(context);
            });
            next(app);
        };
    }
}
