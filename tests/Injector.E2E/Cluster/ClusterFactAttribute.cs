namespace Injector.E2E.Cluster;

/// <summary>An admission check: needs an API server with tls-injector registered; skipped with the reason otherwise.</summary>
internal sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        Skip = ClusterTarget.Current.Required ? null : ClusterTarget.Current.SkipReason;
    }
}

/// <summary>The theory form of <see cref="ClusterFactAttribute"/>.</summary>
internal sealed class ClusterTheoryAttribute : TheoryAttribute
{
    public ClusterTheoryAttribute()
    {
        Skip = ClusterTarget.Current.Required ? null : ClusterTarget.Current.SkipReason;
    }
}

/// <summary>A runtime check: also needs a Ready node that can run the images; skipped with the reason otherwise.</summary>
internal sealed class RuntimeFactAttribute : FactAttribute
{
    public RuntimeFactAttribute(int minimumMinorVersion = 0)
    {
        var target = ClusterTarget.Current;
        Skip = target.Required && target.SkipReason is not null ? null : target.RuntimeSkipReason;
        if (Skip is null && target.ServerMinorVersion != 0 && target.ServerMinorVersion < minimumMinorVersion)
        {
            Skip = $"Needs Kubernetes 1.{minimumMinorVersion} or newer; the cluster runs 1.{target.ServerMinorVersion}.";
        }
    }
}
