using System.Net;
using Injector.Cli.Audit;
using k8s.Autorest;

namespace Injector.Cli.Tests.Audit;

public sealed class ApiErrorsTests
{
    [Fact]
    public void Describes_403_WithTheRightsAuditNeeds()
    {
        var ex = Failure(HttpStatusCode.Forbidden, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"pods"},"code":403}""");

        var message = ApiErrors.Describe(ex, "GET /api/v1/pods");

        Assert.StartsWith("the API server forbids GET /api/v1/pods (403 Forbidden: pods is forbidden: User \"dev\" cannot list resource \"pods\"", message, StringComparison.Ordinal);
        Assert.Contains("audit needs list on pods and namespaces and get on replicasets and jobs", message, StringComparison.Ordinal);
        Assert.Contains("kubectl auth can-i list pods -A", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FallsBack_ToExceptionMessage_WhenBodyIsNotAStatus()
    {
        var ex = Failure(HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        Assert.Equal("the API server answered 502 BadGateway to GET /api/v1/pods: Operation returned an invalid status code 'BadGateway'", ApiErrors.Describe(ex, "GET /api/v1/pods"));
    }

    private static HttpOperationException Failure(HttpStatusCode code, string body)
    {
        using var response = new HttpResponseMessage(code);
        return new HttpOperationException($"Operation returned an invalid status code '{code}'")
        {
            Response = new HttpResponseMessageWrapper(response, body),
        };
    }
}
