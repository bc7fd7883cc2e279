namespace Injector.Proxy.Forwarding;

/// <summary>How a forwarded connection ended (YARP's ForwarderError idea, for L4). Mapped to wire names once.</summary>
internal enum ForwardOutcome
{
    /// <summary>Both sides closed their direction cleanly.</summary>
    Completed,

    /// <summary>The client reset the connection or broke the TLS stream.</summary>
    ClientError,

    /// <summary>The app reset the connection.</summary>
    AppError,

    /// <summary>The app closed its side and the client did not close its own within the linger time.</summary>
    ClientLingered,

    /// <summary>The proxy closed it: drain time ran out on shutdown.</summary>
    Aborted,

    /// <summary>The app port refused the connection (or timed out).</summary>
    AppUnreachable,

    /// <summary>In http-header mode: the client sent a request the proxy would not pass on; the ones before it were.</summary>
    BadRequest,
}

internal static class ForwardOutcomes
{
    public static string ToWire(this ForwardOutcome outcome) => outcome switch
    {
        ForwardOutcome.Completed => "completed",
        ForwardOutcome.ClientError => "client_error",
        ForwardOutcome.AppError => "app_error",
        ForwardOutcome.ClientLingered => "client_lingered",
        ForwardOutcome.Aborted => "aborted",
        ForwardOutcome.BadRequest => "bad_request",
        _ => "app_unreachable",
    };
}
