using Injector.Core.Admission;
using Injector.Webhook.Cluster;

namespace Injector.Webhook.Admission;

/// <summary>Maps <c>POST /mutate</c> and <c>POST /validate</c> to Core's <see cref="AdmissionPolicy"/>.</summary>
internal static class AdmissionEndpoints
{
    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(AdmissionNames.MutatePath, (HttpContext context, AdmissionPipeline pipeline, AdmissionPolicy policy, AdmissionCluster cluster)
            => pipeline.RunAsync(context, "mutate", (request, token) => policy.MutateAsync(request, cluster, token)));
        endpoints.MapPost(AdmissionNames.ValidatePath, (HttpContext context, AdmissionPipeline pipeline, AdmissionPolicy policy, AdmissionCluster cluster)
            => pipeline.RunAsync(context, "validate", (request, token) => policy.ValidateAsync(request, cluster, token)));
        return endpoints;
    }
}
