namespace Injector.Core.Audit;

/// <summary>The fix column of <c>audit</c>: the command that gets the pod recreated through the webhook.</summary>
internal static class AuditFixes
{
    public static string Describe(AuditFinding finding)
    {
        var recreate = Recreate(finding);
        return finding.SettingsErrors.Count > 0
            ? $"fix the {(finding.SettingsErrors.Count == 1 ? "setting" : "settings")} below, then {recreate}"
            : recreate;
    }

    private static string Recreate(AuditFinding finding)
    {
        var ns = finding.Namespace;
        return finding.Owner switch
        {
            { CanRolloutRestart: true } owner => $"kubectl rollout restart {owner} -n {ns}",

            // A bare ReplicaSet recreates a deleted pod from its template, which the webhook then sees.
            { Kind: WorkloadRef.ReplicaSet } => $"kubectl delete pod {finding.Pod} -n {ns}",

            // A Job's pods are not re-created for a spec change, and a finished pod must not be deleted by surprise.
            { Kind: WorkloadRef.CronJob } owner => $"recreate manually: the next run of {owner} -n {ns} is injected",
            { Kind: WorkloadRef.Job } owner => $"recreate manually: delete {owner} -n {ns} and apply it again",
            null => $"recreate manually: kubectl delete pod {finding.Pod} -n {ns}, then apply its manifest again",

            // A controller we do not know (an operator's CRD) usually recreates a deleted pod, but only its owner can say.
            { } owner => $"kubectl delete pod {finding.Pod} -n {ns} (if {owner} recreates it)",
        };
    }
}
