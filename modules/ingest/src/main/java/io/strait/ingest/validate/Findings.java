package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.finding.Finding;
import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.List;

/** Collects findings about loaded resources, resolving each field path to its line in the source file. */
public final class Findings {
    /** Code of schema and field validation errors, as istioctl analyze reports them. */
    public static final String SCHEMA = "IST0106";
    /** Code of a reference to a host or subset that does not exist. */
    public static final String NOT_FOUND = "IST0101";

    private final List<Finding> list = new ArrayList<>();

    public void error(LoadedResource r, String code, String path, String message) {
        add(Level.ERROR, r, code, path, message);
    }

    public void warning(LoadedResource r, String code, String path, String message) {
        add(Level.WARNING, r, code, path, message);
    }

    private void add(Level level, LoadedResource r, String code, String path, String message) {
        var at = r.document().positionOf(path);
        list.add(new Finding(level, code, r.document().file(), at.line(), at.column(), r.displayName(), path, message));
    }

    /** Adds findings made before (of a document validated alone, whose findings do not change with its neighbours). */
    public void addAll(List<Finding> findings) {
        list.addAll(findings);
    }

    public List<Finding> all() {
        return List.copyOf(list);
    }
}
