using Injector.Core.Validation;

namespace Injector.Core.Admission;

/// <summary>Passes lookups through and counts those that came back <see cref="SecretLookupStatus.Unavailable"/>.</summary>
internal sealed class CountingSecretLookup(ISecretLookup inner) : ISecretLookup
{
    private int _unavailable;

    public int Unavailable => Volatile.Read(ref _unavailable);

    public async Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
    {
        var result = await inner.GetAsync(namespaceName, name, cancellationToken);
        if (result.Status == SecretLookupStatus.Unavailable)
        {
            Interlocked.Increment(ref _unavailable);
        }

        return result;
    }
}
