using System.Text.RegularExpressions;
using Injector.Core.Configuration;
using Injector.Testing;
using Injector.Webhook.Configuration;

namespace Injector.Webhook.Tests.Configuration;

/// <summary>
/// Every setting the manifests give the webhook (manifests/base/injector.env and the <c>literals</c> of every
/// overlay and component) names a real option: configuration binding ignores a misspelt key, so a component such as
/// secrets-on-demand would otherwise narrow the RBAC while the webhook still list+watches Secrets.
/// </summary>
public sealed partial class ManifestSettingsTests
{
    public static TheoryData<string> Files() => new(SettingFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public void EverySetting_NamesAnOption(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, file));
        foreach (Match setting in Setting().Matches(text))
        {
            var (section, path) = (setting.Groups[1].Value, setting.Groups[2].Value);
            var type = section == "Webhook" ? typeof(WebhookOptions) : typeof(InjectorOptions);
            foreach (var part in path.Split("__"))
            {
                var property = type.GetProperty(part);
                Assert.True(property is not null, $"{file}: {section}__{path} names no property {part} of {type.Name}.");
                type = property.PropertyType;
            }
        }
    }

    [Fact]
    public void FindsTheSettingsOfTheComponents()
    {
        var found = SettingFiles().SelectMany(f => Setting().Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, f))))
            .Select(m => m.Value.Trim(' ', '-'))
            .ToList();

        Assert.Contains("Webhook__CacheSecrets", found);
        Assert.Contains("Webhook__Audit__Enabled", found);
        Assert.Contains("Injector__ProxyMetrics", found);
    }

    private static IEnumerable<string> SettingFiles()
        => Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "manifests"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith("kustomization.yaml", StringComparison.Ordinal) || f.EndsWith(".env", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f))
            .Order(StringComparer.Ordinal);

    [GeneratedRegex(@"(?<=^\s*(?:- )?)(Webhook|Injector)__([A-Za-z0-9_]+?)(?==)", RegexOptions.Multiline)]
    private static partial Regex Setting();
}
