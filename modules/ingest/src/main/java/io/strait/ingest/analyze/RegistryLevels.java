package io.strait.ingest.analyze;

/**
 * How a finding that depends on the registry is leveled: one about pods, Services, Secrets or Namespaces that a
 * config source may not describe (a Gateway whose selector matches no pod, a subset no endpoint carries, a
 * credential Secret that is missing or holds no valid certificate).
 *
 * <p>{@code strait analyze} reports them at Istio's level, so its output and exit code read as {@code istioctl
 * analyze}'s. Ingest must not reject a revision for what its source does not hold — a git repository rarely holds
 * the pods it configures, and a Secret's certificate can expire while the config stays unchanged — so there the
 * errors among them are warnings: shown with the revision, never blocking it. Findings about the config itself (a
 * route to a subset no DestinationRule defines, two gateways claiming one host and port) keep their level in both.
 */
public enum RegistryLevels {
    /** Istio's levels, as {@code istioctl analyze} reports them. */
    AS_ISTIO,
    /** Errors that depend on the registry become warnings: what ingest applies. */
    ADVISORY
}
