using Injector.Proxy.Hosting;

namespace Injector.Proxy.Tests.Hosting;

// Touches the process environment: not run in parallel with anything that reads this variable (nothing else does).
public sealed class SocketEngineModeTests
{
    [Fact]
    public void TheTestsRunTheSocketsTheWayTheBinaryDoes()
    {
        // proxy.runsettings sets it, so every socket test here runs with inline completions like the shipped binary.
        Assert.Equal("1", Environment.GetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable));
    }

    [Fact]
    public void Unset_TurnsInlineCompletionsOn()
    {
        var before = Environment.GetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable, null);

            SocketEngineMode.PreferInlineCompletions(Environment.GetEnvironmentVariable);

            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable, before);
        }
    }

    [Fact]
    public void AnExplicitValue_IsKept()
    {
        var before = Environment.GetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable, "0");

            SocketEngineMode.PreferInlineCompletions(Environment.GetEnvironmentVariable);

            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketEngineMode.InlineCompletionsVariable, before);
        }
    }
}
