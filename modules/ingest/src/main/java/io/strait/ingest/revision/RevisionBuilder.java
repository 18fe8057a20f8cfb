package io.strait.ingest.revision;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.LoadedResource;
import io.strait.ingest.validate.RevisionValidator;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns what a source holds into a revision, or rejects it whole: the heart of "a bad commit never reaches a proxy". */
public final class RevisionBuilder {
    private final RevisionValidator validator;

    /** Validates against the revision's own documents only. */
    public RevisionBuilder() {
        this(new RevisionValidator());
    }

    /** @param validator the checks, e.g. one that knows the clusters' registries */
    public RevisionBuilder(RevisionValidator validator) {
        this.validator = validator;
    }

    /**
     * @param source     the source name
     * @param revisionId the source's own revision id (a git SHA), or null to use the content hash
     * @param loaded     what the source holds
     */
    public RevisionOutcome build(String source, String revisionId, LoadResult loaded) {
        String id = revisionId != null ? revisionId : contentHash(loaded.files());
        List<Finding> findings = new ArrayList<>(loaded.findings());
        findings.addAll(validator.validate(loaded));
        if (findings.stream().anyMatch(Finding::isError)) {
            return new RevisionOutcome.Rejected(id, findings);
        }
        Map<ResourceKey, ConfigCodec.Entry> resources = new TreeMap<>();
        for (LoadedResource r : loaded.resources()) {
            Origin origin = new Origin(source, id, r.document().file(), r.document().start().line());
            resources.put(r.resource().key(), new ConfigCodec.Entry(r.resource(), origin));
        }
        return new RevisionOutcome.Accepted(new Revision(source, id, new TreeMap<>(resources), findings));
    }

    /** A short, stable hash of the files' names and contents: the same tree always gets the same revision id. */
    public static String contentHash(Map<String, String> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(files).forEach((name, text) -> {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
