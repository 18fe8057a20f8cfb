package io.strait.ingest.validate;

import io.strait.model.istio.Kind;
import java.util.Map;
import java.util.Set;

/**
 * Istio's rules of every kind's metadata ({@code validateMetadata}): the dry-run annotation only on ALLOW and DENY
 * AuthorizationPolicies and only true or false, and none of the annotations istiod keeps for itself.
 */
final class MetadataRules {
    static final String DRY_RUN = "istio.io/dry-run";
    private static final String ALWAYS_REJECT = "internal.istio.io/webhook-always-reject";
    private static final Set<String> INTERNAL = Set.of("internal.istio.io/parent-namespace", "internal.istio.io/parents");
    /** The spellings Go's strconv.ParseBool reads. */
    private static final Set<String> BOOLEANS = Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");

    private MetadataRules() {
    }

    static void check(Report report) {
        var resource = report.resource().resource();
        Map<String, String> annotations = resource.metadata().annotations();
        String who = resource.namespace() + "/" + resource.name();
        String dryRun = annotations.get(DRY_RUN);
        String path = "metadata.annotations." + DRY_RUN;
        if (dryRun != null) {
            if (resource.kind() != Kind.AUTHORIZATION_POLICY) {
                report.error(path, who + " has unsupported annotation " + DRY_RUN + ", please remove the annotation");
            } else {
                String action = PolicyRules.spec(report.resource()).path("action").asText("ALLOW");
                if (!action.equals("ALLOW") && !action.equals("DENY")) {
                    report.error(path, "the annotation " + DRY_RUN + " currently only supports action ALLOW/DENY, found action "
                            + action + " in " + who);
                } else if (!BOOLEANS.contains(dryRun)) {
                    report.error(path, who + " has annotation " + DRY_RUN + " with invalid value (" + dryRun
                            + "): strconv.ParseBool: parsing " + Report.q(dryRun) + ": invalid syntax");
                }
            }
        }
        if (annotations.containsKey(ALWAYS_REJECT)) {
            report.error("metadata.annotations." + ALWAYS_REJECT, Report.q(ALWAYS_REJECT) + " annotation found, rejecting");
        }
        for (String internal : INTERNAL) {
            if (annotations.containsKey(internal)) {
                report.error("metadata.annotations." + internal, Report.q(internal) + " annotation found, this may not be set by users");
            }
        }
    }
}
