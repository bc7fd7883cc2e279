namespace Injector.Core.Validation;

/// <summary>The memos of one <see cref="PodValidator"/>: server Secrets and client CA Secrets are analysed apart.</summary>
internal sealed class SecretAnalyses
{
    private readonly SecretMemo<ServerSecretAnalysis> _server = new(ServerSecretAnalysis.Analyse);
    private readonly SecretMemo<ClientCaAnalysis> _clientCa = new(ClientCaAnalysis.Analyse);

    /// <summary>How many Secret versions were analysed so far, of either kind.</summary>
    public long Analysed => _server.Analysed + _clientCa.Analysed;

    public ServerSecretAnalysis Server(string namespaceName, string name, IReadOnlyDictionary<string, byte[]> data) => _server.Get(namespaceName, name, data);

    public ClientCaAnalysis ClientCa(string namespaceName, string name, IReadOnlyDictionary<string, byte[]> data) => _clientCa.Get(namespaceName, name, data);
}
