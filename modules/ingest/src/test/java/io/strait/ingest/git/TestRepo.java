package io.strait.ingest.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real bare repository (the "server") and a working clone that commits and pushes to it over {@code file://}, as a
 * user would. Large commits are written straight into the bare repository's object database instead. Public, and
 * shipped in this module's test jar, because the integration tests drive a whole node from a repository too.
 */
public final class TestRepo implements AutoCloseable {
    public final Path bare;
    public final Git work;

    public TestRepo(Path dir) throws GitAPIException, IOException {
        this.bare = dir.resolve("remote.git");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        this.work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
        work.getRepository().getConfig().setString("remote", "origin", "url", url());
        work.getRepository().getConfig().save();
    }

    public String url() {
        return bare.toUri().toString().replace("file:/", "file:///").replace("file:////", "file:///");
    }

    /** Replaces the work tree's config files with {@code files}, commits and pushes; returns the commit. */
    public RevCommit push(String message, Map<String, String> files) throws Exception {
        return push(message, files, null);
    }

    public RevCommit push(String message, Map<String, String> files, Signer signer) throws Exception {
        RevCommit c = commit(message, files, signer);
        work.push().setRemote("origin").setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).call();
        return c;
    }

    /** Commits without pushing (to push several at once). */
    public RevCommit commit(String message, Map<String, String> files, Signer signer) throws Exception {
        Path root = work.getRepository().getWorkTree().toPath();
        try (var walk = Files.list(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!p.getFileName().toString().equals(".git")) {
                    deleteTree(p);
                }
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        work.add().addFilepattern(".").call();
        work.add().addFilepattern(".").setUpdate(true).call();
        var commit = work.commit().setMessage(message).setAuthor("Ada Lovelace", "ada@example.com")
                .setCommitter("Ada Lovelace", "ada@example.com").setSign(signer != null);
        if (signer != null) {
            commit.setSigner(signer).setSigningKey("test");
        }
        return commit.call();
    }

    public void pushAll() throws GitAPIException {
        work.push().setRemote("origin").setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).call();
    }

    /** Force-pushes the work clone's main back to {@code commit}, as {@code git reset --hard X && git push -f}. */
    public void forcePush(RevCommit commit) throws GitAPIException {
        work.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(commit.name()).call();
        pushAll();
    }

    /** Writes a commit of {@code count} files (or one file of {@code bigBytes}) straight into the bare repository. */
    public ObjectId commitDirect(String message, int count, long bigBytes) throws IOException {
        try (Repository repo = Git.open(bare.toFile()).getRepository(); ObjectInserter ins = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder b = index.builder();
            if (bigBytes > 0) {
                ObjectId big = ins.insert(Constants.OBJ_BLOB, bigBytes, new java.io.InputStream() {
                    long left = bigBytes;

                    @Override
                    public int read() {
                        return left-- > 0 ? '#' : -1;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        java.util.Arrays.fill(buf, off, off + n, (byte) '#');
                        left -= n;
                        return n;
                    }
                });
                b.add(entry("big.yaml", big));
            }
            ObjectId small = ins.insert(Constants.OBJ_BLOB, "# empty\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < count; i++) {
                b.add(entry(String.format("many/f%05d.yaml", i), small));
            }
            b.finish();
            ObjectId tree = index.writeTree(ins);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            PersonIdent who = new PersonIdent("Bob", "bob@example.com");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message);
            ObjectId id = ins.insert(cb);
            ins.flush();
            RefUpdate u = repo.updateRef("refs/heads/main");
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            u.update();
            return id;
        }
    }

    private static DirCacheEntry entry(String path, ObjectId id) {
        DirCacheEntry e = new DirCacheEntry(path);
        e.setFileMode(FileMode.REGULAR_FILE);
        e.setObjectId(id);
        return e;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }

    @Override
    public void close() {
        work.close();
    }
}
