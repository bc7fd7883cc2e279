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

        using var admission = await HalfSentAdmission.StartAsync(host, arrived.Task);

        // Half the body is in; the host is told to stop; the rest arrives afterwards and is still answered.
        var lifetime = host.App.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = host.App.StopAsync();
        await Task.Run(() => lifetime.ApplicationStopping.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
        Assert.False(stopping.IsCompleted);
        await admission.SendRestAsync();

        using var response = await admission.Sending.WaitAsync(TimeSpan.FromSeconds(30));
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

        using var hangUp = new CancellationTokenSource();
        using var admission = await HalfSentAdmission.StartAsync(host, arrived.Task, hangUp.Token);

        // The caller gives up with half the body sent (HttpClient then closes the connection).
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => admission.Sending);

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

    /// <summary>A POST to /mutate whose body is half sent: the rest waits for <see cref="SendRestAsync"/>.</summary>
    private sealed class HalfSentAdmission : IDisposable
    {
        private readonly byte[] _body;
        private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0));
        private readonly StreamContent _content;

        private HalfSentAdmission(WebhookHost host, CancellationToken cancellationToken)
        {
            // Large enough that the client's write buffer flushes the first part to the wire on its own.
            var review = AdmissionFixtures.PodCreate();
            review["request"]!["object"]!["metadata"]!["annotations"]!["example.com/padding"] = new string('x', 256 * 1024);
            _body = Encoding.UTF8.GetBytes(review.ToJsonString());
            _content = new StreamContent(_pipe.Reader.AsStream());
            _content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            _content.Headers.ContentLength = _body.Length;
            Sending = host.Client.PostAsync(new Uri(host.BaseAddress, "/mutate"), _content, cancellationToken);
        }

        public Task<HttpResponseMessage> Sending { get; }

        /// <summary>Starts the request and returns once half its body is sent and the request has reached the app.</summary>
        public static async Task<HalfSentAdmission> StartAsync(WebhookHost host, Task arrived, CancellationToken cancellationToken = default)
        {
            var admission = new HalfSentAdmission(host, cancellationToken);
            await admission._pipe.Writer.WriteAsync(admission._body.AsMemory(0, admission._body.Length / 2), CancellationToken.None);
            await Task.WhenAny(arrived, admission.Sending).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.False(admission.Sending.IsCompleted, admission.Sending.Exception?.ToString() ?? "the request finished before its body was sent");
            return admission;
        }

        public async Task SendRestAsync()
        {
            await _pipe.Writer.WriteAsync(_body.AsMemory(_body.Length / 2));
            await _pipe.Writer.CompleteAsync();
        }

        public void Dispose() => _content.Dispose();
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
