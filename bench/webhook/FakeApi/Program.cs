using System.Text.Json.Nodes;
using Injector.Testing.Kube;

// Serves the recorded v1.28 API objects for the benchmark, plus every *.json object in the directory named by
// BENCH_OBJECTS (the Secrets and Services run.sh generates), writes a kubeconfig for it, and runs until stdin closes.
var directory = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
await using var api = await FakeKubeApiServer.StartAsync();
api.LoadFixtures();
if (Environment.GetEnvironmentVariable("BENCH_OBJECTS") is { Length: > 0 } objects)
{
    foreach (var file in Directory.GetFiles(objects, "*.json").Order(StringComparer.Ordinal))
    {
        var obj = JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? throw new InvalidDataException($"{file} is not a JSON object.");
        var kind = (string?)obj["kind"];
        var type = ResourceType.Builtin.FirstOrDefault(t => t.Kind == kind) ?? throw new InvalidDataException($"{file}: kind {kind} is not served by the fake API.");
        api.Put(type, obj);
    }
}

var kubeconfig = api.WriteKubeConfig(directory);
Console.WriteLine(kubeconfig);
await Console.In.ReadToEndAsync();
