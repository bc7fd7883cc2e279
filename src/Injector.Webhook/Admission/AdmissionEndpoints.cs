namespace Injector.Webhook.Admission;

/// <summary>Maps <c>POST /mutate</c> and <c>POST /validate</c>.</summary>
internal static class AdmissionEndpoints
{
    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(AdmissionNames.MutatePath, (HttpContext context, AdmissionPipeline pipeline, MutationHandler handler)
            => pipeline.RunAsync(context, "mutate", handler.DecideAsync));
        endpoints.MapPost(AdmissionNames.ValidatePath, (HttpContext context, AdmissionPipeline pipeline, ValidationHandler handler)
            => pipeline.RunAsync(context, "validate", handler.DecideAsync));
        return endpoints;
    }
}
