namespace Injector.Webhook.Admission;

/// <summary>The wire strings of the admission API, named once.</summary>
internal static class AdmissionNames
{
    public const string Kind = "AdmissionReview";
    public const string V1 = "admission.k8s.io/v1";
    public const string V1Beta1 = "admission.k8s.io/v1beta1";
    public const string JsonPatch = "JSONPatch";

    public const string MutatePath = "/mutate";
    public const string ValidatePath = "/validate";
}
