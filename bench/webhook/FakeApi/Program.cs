using Injector.Testing.Kube;

// Serves the recorded v1.28 API objects for the benchmark, writes a kubeconfig for it, and runs until stdin closes.
var directory = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
await using var api = await FakeKubeApiServer.StartAsync();
api.LoadFixtures();
var kubeconfig = api.WriteKubeConfig(directory);
Console.WriteLine(kubeconfig);
await Console.In.ReadToEndAsync();
