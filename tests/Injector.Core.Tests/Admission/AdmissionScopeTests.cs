using Injector.Core.Admission;

namespace Injector.Core.Tests.Admission;

public sealed class AdmissionScopeTests
{
    [Theory]
    [InlineData("", "Pod", null, "CREATE", null)]
    [InlineData(null, "Pod", null, "CREATE", null)]
    [InlineData("", "Pod", null, "UPDATE", "operation UPDATE is not mutated")]
    [InlineData("", "Pod", "status", "CREATE", "subresource status is not mutated")]
    [InlineData("apps", "Deployment", null, "CREATE", "kind Deployment is not mutated")]
    [InlineData("example.com", "Pod", null, "CREATE", "kind Pod is not mutated")]
    [InlineData(null, null, null, null, "kind (none) is not mutated")]
    public void Mutates_PodCreatesOnly(string? group, string? kind, string? subResource, string? operation, string? reason)
        => Assert.Equal(reason, AdmissionScope.NotMutated(group, kind, subResource, operation));

    [Theory]
    [InlineData("", "Pod", null, "CREATE", null)]
    [InlineData("", "Pod", null, "UPDATE", null)]
    [InlineData("apps", "Deployment", null, "UPDATE", null)]
    [InlineData("batch", "CronJob", null, "CREATE", null)]
    [InlineData("", "Pod", null, "DELETE", "operation DELETE is not validated")]
    [InlineData("", "Pod", "ephemeralcontainers", "UPDATE", "subresource ephemeralcontainers is not validated")]
    [InlineData("", "Deployment", null, "CREATE", "kind Deployment is not validated")]
    [InlineData("", "ConfigMap", null, "CREATE", "kind ConfigMap is not validated")]
    public void Validates_TheHandledKinds_OnCreateAndUpdate(string? group, string? kind, string? subResource, string? operation, string? reason)
        => Assert.Equal(reason, AdmissionScope.NotValidated(group, kind, subResource, operation));
}
