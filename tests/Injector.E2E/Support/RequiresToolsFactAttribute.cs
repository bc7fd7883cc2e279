namespace Injector.E2E.Support;

/// <summary>A fact that needs some programs on PATH (e.g. bash, openssl, kubectl); skipped, naming the missing ones, otherwise.</summary>
internal sealed class RequiresToolsFactAttribute : FactAttribute
{
    public RequiresToolsFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => ExternalTool.Find(t) is null).ToList();
        if (missing.Count > 0)
        {
            Skip = $"Needs {string.Join(", ", missing)} on PATH (apt-get install {string.Join(' ', missing)}).";
        }
    }
}
