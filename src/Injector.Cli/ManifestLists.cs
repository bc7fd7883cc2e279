using System.Text;
using Injector.Core.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Injector.Cli;

/// <summary>
/// Unwraps <c>kind: List</c> documents (what <c>kubectl get -o yaml|json</c> prints) into one document per item,
/// so every command that reads manifests takes them. Other documents stay byte for byte; document numbers in
/// messages then count the items.
/// </summary>
internal static class ManifestLists
{
    public static string Expand(string yaml)
    {
        var documents = ManifestDocument.Split(yaml);
        if (!documents.Any(IsList))
        {
            return yaml;
        }

        var output = new StringBuilder();
        foreach (var document in documents)
        {
            foreach (var text in IsList(document) ? Items(document) : [document.Text])
            {
                if (output.Length > 0)
                {
                    output.Append("---\n");
                }

                output.Append(text.TrimEnd('\n')).Append('\n');
            }
        }

        return output.ToString();
    }

    private static bool IsList(ManifestDocument document)
    {
        // A cheap textual test first: most documents are not Lists, and parsing every one twice is wasted work.
        if (document.IsEmpty || !document.Text.Contains("List", StringComparison.Ordinal) || Root(document) is not { } root)
        {
            return false;
        }

        return root.Children.TryGetValue(new YamlScalarNode("kind"), out var kind) && kind is YamlScalarNode { Value: "List" }
            && root.Children.TryGetValue(new YamlScalarNode("items"), out var items) && items is YamlSequenceNode or YamlScalarNode { Value: null or "" or "null" };
    }

    private static IEnumerable<string> Items(ManifestDocument document)
    {
        var root = Root(document)!;
        if (root.Children[new YamlScalarNode("items")] is not YamlSequenceNode items)
        {
            yield break;
        }

        foreach (var item in items)
        {
            Block(item);
            using var writer = new StringWriter();
            new YamlStream(new YamlDocument(item)).Save(writer, assignAnchors: false);
            yield return StripDocumentEnd(writer.ToString());
        }
    }

    private static YamlMappingNode? Root(ManifestDocument document)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(document.Text));
        }
        catch (YamlException)
        {
            // Not ours to report: ManifestObject.Parse names the document and line of the syntax error.
            return null;
        }

        return stream.Documents.Count == 1 ? stream.Documents[0].RootNode as YamlMappingNode : null;
    }

    /// <summary>Block style throughout, so a List read from JSON comes out as the YAML kubectl would print.</summary>
    private static void Block(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                mapping.Style = YamlDotNet.Core.Events.MappingStyle.Block;
                foreach (var child in mapping.Children.Values)
                {
                    Block(child);
                }

                break;
            case YamlSequenceNode sequence:
                sequence.Style = YamlDotNet.Core.Events.SequenceStyle.Block;
                foreach (var child in sequence.Children)
                {
                    Block(child);
                }

                break;
        }
    }

    private static string StripDocumentEnd(string text)
    {
        var trimmed = text.TrimEnd();
        return (trimmed.EndsWith("\n...", StringComparison.Ordinal) ? trimmed[..^4] : trimmed) + "\n";
    }
}
