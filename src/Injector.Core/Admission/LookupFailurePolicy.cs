namespace Injector.Core.Admission;

/// <summary>What <c>/validate</c> answers for an opted-in object when a Secret or Namespace cannot be looked up.</summary>
public enum LookupFailurePolicy
{
    /// <summary>Refuse the object with a message saying the lookup failed (fail closed). The default.</summary>
    Deny,

    /// <summary>Admit it with an admission warning saying what could not be checked (fail open).</summary>
    Allow,
}
