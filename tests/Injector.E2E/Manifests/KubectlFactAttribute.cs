using Injector.E2E.Support;

namespace Injector.E2E.Manifests;

/// <summary>A fact that needs only <c>kubectl</c> (for <c>kubectl kustomize</c>); skipped with the reason when it is missing.</summary>
internal sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (ExternalTool.Find("kubectl") is null)
        {
            Skip = "kubectl is not on PATH; install it (apt-get install kubectl) to render the manifests.";
        }
    }
}

/// <summary>The theory form of <see cref="KubectlFactAttribute"/>.</summary>
internal sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (ExternalTool.Find("kubectl") is null)
        {
            Skip = "kubectl is not on PATH; install it (apt-get install kubectl) to render the manifests.";
        }
    }
}
