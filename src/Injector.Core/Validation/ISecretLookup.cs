namespace Injector.Core.Validation;

/// <summary>
/// Finds Secrets by namespace and name. The webhook answers from its API cache, the CLI from files:
/// validation does not care which.
/// </summary>
public interface ISecretLookup
{
    /// <summary>The Secret's data, or why it could not be had. Never throws for a missing Secret.</summary>
    Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken);
}

/// <summary>A Secret's <c>data</c> keys and decoded values, or its absence.</summary>
public sealed record SecretLookupResult
{
    public required SecretLookupStatus Status { get; init; }

    /// <summary>
    /// Decoded values by key; empty unless <see cref="Status"/> is <see cref="SecretLookupStatus.Found"/>. Never changed
    /// once handed out (a new Secret version is a new dictionary), so validation may recognise it by reference.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> Data { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>Why the lookup was <see cref="SecretLookupStatus.Unavailable"/>.</summary>
    public string? Error { get; init; }

    public static SecretLookupResult Found(IReadOnlyDictionary<string, byte[]> data) => new() { Status = SecretLookupStatus.Found, Data = data };

    public static readonly SecretLookupResult NotFound = new() { Status = SecretLookupStatus.NotFound };

    public static SecretLookupResult Unavailable(string error) => new() { Status = SecretLookupStatus.Unavailable, Error = error };
}

/// <summary>Whether a Secret exists.</summary>
public enum SecretLookupStatus
{
    Found,
    NotFound,

    /// <summary>The source could not answer (API outage, no permission); the caller applies its failure policy.</summary>
    Unavailable,
}
