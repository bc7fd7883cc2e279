using System.Globalization;
using System.Text.RegularExpressions;

namespace Injector.Webhook.Tests.Support;

/// <summary>
/// Reads the Prometheus text exposition: a series is named as in PromQL, <c>name{label="value",...}</c>, and matches
/// a line with that name and at least those labels (the exporter adds its own, such as <c>otel_scope_name</c>).
/// </summary>
internal static partial class PrometheusText
{
    /// <summary>The value of <paramref name="series"/> in <paramref name="text"/>; null when no line matches.</summary>
    public static double? Value(string text, string series)
    {
        var (name, wanted) = Parse(series);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var split = line.LastIndexOf(' ');
            var (lineName, labels) = Parse(line[..split]);
            if (lineName == name && wanted.All(w => labels.TryGetValue(w.Key, out var v) && v == w.Value))
            {
                return double.Parse(line[(split + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static (string Name, Dictionary<string, string> Labels) Parse(string series)
    {
        var brace = series.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0)
        {
            return (series, []);
        }

        var labels = Label().Matches(series[brace..]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return (series[..brace], labels);
    }

    [GeneratedRegex("""(\w+)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Label();
}
