package io.strait.ingest.git;

import io.strait.ingest.load.LoadResult;
import io.strait.model.finding.Finding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads a commit's config files straight from the object database — no working tree is checked out, so nothing on
 * disk can drift from the commit — with the same rules as a folder: {@code *.yaml}/{@code *.yml}, hidden entries
 * skipped, paths relative to {@code --git-path}. Sizes are checked from the object headers before a blob is loaded.
 */
final class CommitTree {
    private CommitTree() {
    }

    /**
     * @param path the folder of the repository to read ({@code --git-path}), "" for the root
     * @return the files read, and findings for what could not or may not be read (a limit crossed ends the read)
     */
    static LoadResult read(ObjectReader reader, RevCommit commit, String path, GitLimits limits) throws IOException {
        String prefix = path.isEmpty() ? "" : path + "/";
        String where = path.isEmpty() ? "the repository root" : path + "/";
        List<Entry> entries = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(false);
            while (walk.next()) {
                String full = walk.getPathString();
                boolean inside = full.startsWith(prefix) || prefix.startsWith(full + "/");
                if (!inside || hidden(full.length() >= prefix.length() ? full.substring(prefix.length()) : "")) {
                    continue;
                }
                if (walk.isSubtree()) {
                    walk.enterSubtree();
                } else if (full.startsWith(prefix) && yaml(full) && walk.getFileMode(0) != FileMode.GITLINK) {
                    entries.add(new Entry(full.substring(prefix.length()), walk.getObjectId(0)));
                }
            }
        }
        if (!path.isEmpty() && entries.isEmpty() && !exists(reader, commit, path)) {
            findings.add(new Finding(Finding.Level.ERROR, GitLimits.CODE, path, 0, null, null,
                    "--git-path " + path + " does not exist in commit " + commit.abbreviate(12).name()
                            + ": give a folder of the repository, or push it"));
            return new LoadResult(List.of(), List.of(), findings, Map.of());
        }
        var tooMany = limits.files(entries.size(), where);
        if (tooMany.isPresent()) {
            return new LoadResult(List.of(), List.of(), List.of(tooMany.get()), Map.of());
        }
        Map<String, String> files = new TreeMap<>();
        long total = 0;
        for (Entry e : entries) {
            long size = reader.getObjectSize(e.id(), Constants.OBJ_BLOB);
            var tooBig = limits.fileSize(e.path(), size);
            if (tooBig.isPresent()) {
                findings.add(tooBig.get());
                continue;
            }
            total += size;
            var overTotal = limits.totalSize(where, total);
            if (overTotal.isPresent()) {
                findings.add(overTotal.get());
                break;
            }
            byte[] bytes = reader.open(e.id(), Constants.OBJ_BLOB).getCachedBytes((int) limits.maxFileBytes());
            try {
                files.put(e.path(), StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException ex) {
                findings.add(new Finding(Finding.Level.ERROR, "STR0000", e.path(), 0, null, null, "file is not UTF-8 text"));
            }
        }
        return new LoadResult(List.of(), List.of(), findings, files);
    }

    private static boolean exists(ObjectReader reader, RevCommit commit, String path) throws IOException {
        try (TreeWalk walk = TreeWalk.forPath(reader, path, commit.getTree())) {
            return walk != null;
        }
    }

    private static boolean yaml(String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private record Entry(String path, ObjectId id) {
    }
}
