// The .NET twin of go-baseline: HTTPS on Kestrel (TLS 1.2+, HTTP/1.1), POST /mutate parses the whole AdmissionReview
// (object included) into a JsonDocument and answers with a fixed JSON patch. No logging, no metrics, no injection:
// it measures what the framework costs on this machine, so run.sh can tell the webhook's own cost from Kestrel's.
// Built with -p:FloorWithKubernetesClient=true it also decodes request.object into KubernetesClient's V1Pod and keeps
// an API client (that has listed once): what KubernetesClient alone adds, in code, type data and heap. With
// =models it decodes into the same V1Pod through a context of its own and has no client: what the model types cost.
// Usage: KestrelFloor PORT CERT.pem KEY.pem
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
using var certificate = X509Certificate2.CreateFromPemFile(args[1], args[2]);
var patch = Convert.ToBase64String(Encoding.UTF8.GetBytes("""[{"op":"add","path":"/metadata/annotations/tls-injector.io~1status","value":"injected"}]"""));

var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(https =>
    {
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ServerCertificate = certificate;
    }));
});
var app = builder.Build();
#if WITH_KUBERNETES_CLIENT
// The list fails (nothing listens on port 1); it is here so the client's code is in the binary and has run once.
using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "https://127.0.0.1:1" });
try
{
    await k8s.CoreV1OperationsExtensions.ListNamespaceAsync(client);
}
catch (HttpRequestException)
{
}
#endif
app.MapPost("/mutate", async (HttpContext context) =>
{
    using var review = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
    var root = review.RootElement;
    var uid = root.GetProperty("request").GetProperty("uid").GetString();
#if WITH_KUBERNETES_CLIENT || WITH_KUBERNETES_MODELS_ONLY
#if WITH_KUBERNETES_CLIENT
    var pod = k8s.KubernetesJson.Deserialize<k8s.Models.V1Pod>(root.GetProperty("request").GetProperty("object").GetRawText());
#else
    var pod = PodOnlyJsonContext.Read(root.GetProperty("request").GetProperty("object"));
#endif
    if (pod.Spec.Containers.Count == 0)
    {
        context.Response.StatusCode = 400;
        return;
    }
#endif
    context.Response.ContentType = "application/json";
    await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
    json.WriteStartObject();
    json.WriteString("apiVersion", root.GetProperty("apiVersion").GetString());
    json.WriteString("kind", "AdmissionReview");
    json.WriteStartObject("response");
    json.WriteString("uid", uid);
    json.WriteBoolean("allowed", true);
    json.WriteString("patchType", "JSONPatch");
    json.WriteString("patch", patch);
    json.WriteEndObject();
    json.WriteEndObject();
});
app.Run();

#if WITH_KUBERNETES_MODELS_ONLY
/// <summary>Contracts for the V1Pod graph only, with KubernetesClient's naming rules; none of its other models.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(k8s.Models.V1Pod))]
internal sealed partial class PodOnlyJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
    // A method, not an inline call: the endpoint generator cannot see this context's generated members, and a lambda
    // that names them would not bind for it.
    public static k8s.Models.V1Pod Read(JsonElement pod) => pod.Deserialize(Default.V1Pod)!;
}
#endif
