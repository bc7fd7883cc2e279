namespace Injector.Core.Manifests;

/// <summary>One document of a multi-document YAML stream: its 1-based number, first line, and text.</summary>
public sealed record ManifestDocument(int Number, int StartLine, string Text)
{
    /// <summary>True when the document holds nothing but blank lines and comments.</summary>
    public bool IsEmpty => Text.Split('\n').All(l => l.Trim().Length == 0 || l.TrimStart().StartsWith('#'));

    /// <summary>
    /// Splits on <c>---</c> lines. Textual, so that documents the injector does not touch are written back
    /// byte for byte, comments included (YAML round trips lose them).
    /// </summary>
    public static IReadOnlyList<ManifestDocument> Split(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var documents = new List<ManifestDocument>();
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new List<string>();
        var start = 1;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] == "---" || lines[i].StartsWith("--- ", StringComparison.Ordinal))
            {
                documents.Add(new ManifestDocument(documents.Count + 1, start, string.Join('\n', current)));
                current.Clear();
                start = i + 2;
                continue;
            }

            current.Add(lines[i]);
        }

        documents.Add(new ManifestDocument(documents.Count + 1, start, string.Join('\n', current)));
        return documents.Where((d, i) => !(i == 0 && d.IsEmpty && documents.Count > 1) && !(i == documents.Count - 1 && d.Text.Trim().Length == 0))
            .Select((d, i) => d with { Number = i + 1 })
            .ToList();
    }
}
