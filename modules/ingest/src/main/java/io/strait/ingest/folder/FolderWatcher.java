package io.strait.ingest.folder;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a folder tree and calls {@code onChange} once a burst of changes has been quiet for the debounce
 * interval (an editor's save is often several events). Also calls it every {@code resync} interval, so an event
 * the OS dropped delays a change but never loses it. Callbacks run on one thread, one at a time. A file that
 * disappears while the callback reads the tree (an editor's rename-into-place) is one warning naming it: the rename
 * that follows is a change, read in turn.
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);

    private final Path root;
    private final Duration debounce;
    private final Runnable onChange;
    private final WatchService watch;
    private final ScheduledExecutorService scheduler;
    private final Thread thread;
    private ScheduledFuture<?> pending;

    public FolderWatcher(Path root, Duration debounce, Duration resync, Runnable onChange) throws IOException {
        this.root = root;
        this.debounce = debounce;
        this.onChange = onChange;
        this.watch = root.getFileSystem().newWatchService();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "strait-ingest-reconcile"));
        this.scheduler.scheduleWithFixedDelay(this::runSafely, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
        registerTree(root);
        this.thread = daemon(this::loop, "strait-ingest-watch");
    }

    /**
     * Also watches one more folder (not its subfolders): where a file read with the tree lives outside it, such as
     * {@code --mesh-config}'s. Any change there triggers a read of the whole source, as a change in the tree does.
     */
    public FolderWatcher watchAlso(Path dir) throws IOException {
        dir.register(watch, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        return this;
    }

    public FolderWatcher start() {
        thread.start();
        return this;
    }

    /** Runs the callback now (on the watcher's thread) and waits for it. */
    public void runNow() throws Exception {
        scheduler.submit(this::runSafely).get();
    }

    /** Runs the callback once more after {@code delay}, on the watcher's thread (a retry); pending runs stay. */
    public void runAfter(Duration delay) {
        scheduler.schedule(this::runSafely, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watch.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == ENTRY_CREATE && event.context() instanceof Path name) {
                        Path created = dir.resolve(name);
                        if (Files.isDirectory(created)) {
                            registerCreated(created);
                        }
                    }
                }
                key.reset();
                schedule();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        } catch (IOException e) {
            LOG.error("watching {} failed; changes are picked up by the periodic resync only", root, e);
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(this::runSafely, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            NoSuchFileException gone = vanished(e);
            if (gone != null) {
                // an editor saving by rename-into-place, or a checkout: the rename that follows is a change, read anew
                LOG.warn("{} disappeared while {} was read; reading it again on the next change", gone.getFile(), root);
            } else {
                LOG.error("reconciling {} failed; will retry on the next change or resync", root, e);
            }
        }
    }

    /** Watches a folder created in the tree; one removed again before it was walked is no longer there to watch. */
    private void registerCreated(Path created) throws IOException {
        try {
            registerTree(created);
        } catch (IOException | UncheckedIOException e) {
            NoSuchFileException gone = vanished(e);
            if (gone == null) {
                throw e;
            }
            LOG.warn("{} disappeared before it could be watched; its parent's next change is read as usual", gone.getFile());
        }
    }

    /**
     * The missing file when {@code e} is a file that disappeared between listing a folder and reading it (directly,
     * or wrapped as {@link java.nio.file.Files#walk} wraps it); null for any other failure.
     */
    static NoSuchFileException vanished(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchFileException gone) {
                return gone;
            }
            if (!(t instanceof UncheckedIOException)) {
                return null;
            }
        }
        return null;
    }

    private void registerTree(Path dir) throws IOException {
        try (Stream<Path> dirs = Files.walk(dir)) {
            for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                d.register(watch, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        watch.close();
        scheduler.shutdownNow();
    }
}
