namespace Injector.Core.Injection;

/// <summary>What the injector did with a pod.</summary>
public enum InjectionDecision
{
    /// <summary>The sidecar was added; the result carries the patch.</summary>
    Injected,

    /// <summary>The pod is not opted in, or is excluded; it is admitted unchanged.</summary>
    Skipped,

    /// <summary>The pod already carries the sidecar and its status; it is admitted unchanged (reinvocation).</summary>
    AlreadyInjected,

    /// <summary>The pod opted in but its settings are wrong; it is refused with the errors.</summary>
    Denied,
}
