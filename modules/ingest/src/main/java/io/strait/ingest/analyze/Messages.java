package io.strait.ingest.analyze;

import io.strait.model.finding.Finding;
import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.List;

/** Collects analysis messages as findings, each located at the field it is about. */
public final class Messages {
    private final List<Finding> list = new ArrayList<>();
    private final RegistryLevels registryLevels;

    /** Messages at Istio's levels, as {@code istioctl analyze} reports them. */
    public Messages() {
        this(RegistryLevels.AS_ISTIO);
    }

    public Messages(RegistryLevels registryLevels) {
        this.registryLevels = registryLevels;
    }

    public void add(Level level, String code, AnalysisInput.Doc doc, String path, String message) {
        var at = path == null ? doc.document().start() : doc.document().positionOf(path);
        list.add(new Finding(level, code, doc.document().file(), at.line(), at.column(), doc.displayName(), path, message));
    }

    public void error(String code, AnalysisInput.Doc doc, String path, String message) {
        add(Level.ERROR, code, doc, path, message);
    }

    public void warning(String code, AnalysisInput.Doc doc, String path, String message) {
        add(Level.WARNING, code, doc, path, message);
    }

    public void info(String code, AnalysisInput.Doc doc, String path, String message) {
        add(Level.INFO, code, doc, path, message);
    }

    /**
     * A message that depends on what the registry holds (pods, Services, Secrets, Namespaces), at Istio's level
     * where analysis reports as istioctl does, and never above a warning where it must not block a revision.
     */
    public void registry(Level istioLevel, String code, AnalysisInput.Doc doc, String path, String message) {
        add(registryLevels == RegistryLevels.ADVISORY && istioLevel == Level.ERROR ? Level.WARNING : istioLevel,
                code, doc, path, message);
    }

    /**
     * Every message once: two analyzers may say the same thing of one field (a gateway whose selector matches no pod
     * is reported by the port and the secret analyzers alike), and istioctl prints identical messages once.
     */
    public List<Finding> all() {
        return List.copyOf(new java.util.LinkedHashSet<>(list));
    }
}
