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

/// <summary>A fact about behaviour when a program is missing; skipped where it is installed (it would then really run).</summary>
internal sealed class WithoutToolFactAttribute : FactAttribute
{
    public WithoutToolFactAttribute(string tool)
    {
        if (ExternalTool.Find(tool) is not null)
        {
            Skip = $"{tool} is installed here, so the missing-{tool} path cannot be exercised without really running it.";
        }
        else if (ExternalTool.Find("bash") is null)
        {
            Skip = "Needs bash on PATH.";
        }
    }
}
