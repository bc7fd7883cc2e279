using System.Text;
using Injector.Core.Configuration;
using Xunit;

namespace Injector.Testing;

/// <summary>
/// Golden-file comparison. <c>REFRESH_GOLDEN=1</c> rewrites the expected file instead of failing
/// (<c>make golden</c>); otherwise a mismatch fails with a unified diff.
/// </summary>
public static class Golden
{
    /// <summary>How goldens spell this build's proxy image, whose tag changes with every commit (as Istio strips versions).</summary>
    public const string ProxyImage = "tls-injector/tls-proxy:this-build";

    public static bool Refresh => Environment.GetEnvironmentVariable("REFRESH_GOLDEN") == "1";

    /// <summary>Output as a golden holds it: <see cref="BuildInfo.ProxyImage"/> replaced by <see cref="ProxyImage"/>.</summary>
    public static string Normalize(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.Replace(BuildInfo.ProxyImage, ProxyImage, StringComparison.Ordinal);
    }

    /// <summary>
    /// The case names of a golden directory: every <c>NAME.yaml</c> that is not itself an output
    /// (<c>NAME<paramref name="outputSuffix"/></c>), in a stable order.
    /// </summary>
    public static IReadOnlyList<string> Cases(string directory, string outputSuffix)
        => [.. Directory.GetFiles(directory, "*.yaml")
            .Where(f => !f.EndsWith(outputSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()];

    /// <summary>Compares <paramref name="actual"/>, <see cref="Normalize">normalized</see>, with the golden file.</summary>
    public static void AssertMatches(string goldenPath, string actual)
    {
        ArgumentNullException.ThrowIfNull(goldenPath);
        actual = Normalize(actual);
        if (Refresh)
        {
            File.WriteAllText(goldenPath, actual);
            return;
        }

        Assert.True(File.Exists(goldenPath), $"Golden file {goldenPath} is missing. Hint: run REFRESH_GOLDEN=1 make test (make golden) and review the new file.");
        var expected = File.ReadAllText(goldenPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            Assert.Fail($"{Path.GetFileName(goldenPath)} differs (- expected, + actual). Hint: REFRESH_GOLDEN=1 make test if the change is intended.\n{UnifiedDiff(expected, actual)}");
        }
    }

    /// <summary>A small line diff (longest common subsequence) with three lines of context.</summary>
    public static string UnifiedDiff(string expected, string actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Tag, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x++]));
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add(('+', b[y++]));
            }
            else
            {
                lines.Add(('-', a[x++]));
            }
        }

        var output = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var nearChange = Enumerable.Range(Math.Max(0, i - 3), Math.Min(lines.Count, i + 4) - Math.Max(0, i - 3)).Any(k => lines[k].Tag != ' ');
            if (nearChange)
            {
                output.Append(lines[i].Tag).Append(' ').AppendLine(lines[i].Text);
            }
        }

        return output.ToString();
    }
}
