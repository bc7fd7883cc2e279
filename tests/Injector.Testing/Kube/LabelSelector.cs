using System.Text.Json.Nodes;

namespace Injector.Testing.Kube;

/// <summary>
/// The equality-based label and field selectors of the list and watch calls: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
/// <c>k</c> and <c>!k</c>, joined by commas. Field paths are dotted (<c>metadata.name</c>, <c>type</c>).
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<Func<string, string?>, bool>> _requirements = [];

    public static readonly LabelSelector Everything = new();

    /// <summary>Parses a selector; throws <see cref="FormatException"/> for set-based forms this fake does not support.</summary>
    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.Contains(" in ", StringComparison.Ordinal) || raw.Contains(" notin ", StringComparison.Ordinal))
            {
                throw new FormatException($"set-based selector '{raw}' is not supported by the fake API server");
            }

            var notEqual = raw.IndexOf("!=", StringComparison.Ordinal);
            var equal = raw.IndexOf('=', StringComparison.Ordinal);
            if (notEqual > 0)
            {
                var key = raw[..notEqual].Trim();
                var value = raw[(notEqual + 2)..].Trim();
                selector._requirements.Add(get => get(key) != value);
            }
            else if (equal > 0)
            {
                var key = raw[..equal].Trim();
                var value = raw[(equal + 1)..].TrimStart('=').Trim();
                selector._requirements.Add(get => get(key) == value);
            }
            else if (raw.StartsWith('!'))
            {
                selector._requirements.Add(get => get(raw[1..]) is null);
            }
            else
            {
                selector._requirements.Add(get => get(raw) is not null);
            }
        }

        return selector;
    }

    /// <summary>True when every requirement holds for a value source (labels, or field paths).</summary>
    public bool Matches(Func<string, string?> get) => _requirements.TrueForAll(r => r(get));

    /// <summary>Matches against <c>metadata.labels</c>.</summary>
    public bool MatchesLabels(JsonObject obj) => Matches(key => obj["metadata"]?["labels"]?[key]?.GetValue<string>());

    /// <summary>Matches against dotted field paths of the object.</summary>
    public bool MatchesFields(JsonObject obj) => Matches(path =>
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }

        return node is JsonValue value ? value.ToString() : null;
    });
}
