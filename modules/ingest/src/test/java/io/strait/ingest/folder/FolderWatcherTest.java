package io.strait.ingest.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The folder watcher when the tree changes under the read it triggered: what it logs, and that it keeps reading. */
class FolderWatcherTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void capture() {
        log.start();
        logger().addAppender(log);
    }

    @AfterEach
    void release() {
        logger().detachAppender(log);
    }

    private static ch.qos.logback.classic.Logger logger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(FolderWatcher.class);
    }

    private List<ILoggingEvent> atLeastWarn() {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }

    @Test
    void aFileGoneWhileTheTreeIsWalkedIsOneWarningNamingItAndTheNextChangeIsRead(@TempDir Path folder) throws Exception {
        for (int i = 0; i < 5; i++) {
            Files.writeString(folder.resolve("svc-" + i + ".yaml"), "kind: ServiceEntry\n");
        }
        AtomicBoolean editorRenames = new AtomicBoolean(true);
        AtomicInteger completed = new AtomicInteger();
        // the read walks the tree as the config loader does; the first time, an "editor" replaces every other file
        // while the walk is under way (deleted from inside the walk, so the vanish is certain rather than a race)
        Runnable read = () -> {
            try (Stream<Path> walk = Files.walk(folder)) {
                walk.filter(Files::isRegularFile).forEach(p -> {
                    if (editorRenames.getAndSet(false)) {
                        deleteAllBut(folder, p);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            completed.incrementAndGet();
        };
        try (FolderWatcher watcher = new FolderWatcher(folder, Duration.ofMillis(20), Duration.ofHours(1), read).start()) {
            watcher.runNow();
            List<ILoggingEvent> lines = atLeastWarn();
            assertThat(lines).hasSize(1);
            ILoggingEvent line = lines.get(0);
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).startsWith(folder.resolve("svc-").toString())
                    .endsWith(".yaml disappeared while " + folder + " was read; reading it again on the next change");
            assertThat(line.getThrowableProxy()).as("no stack trace").isNull();

            // the file the editor renamed into place is a change: read, this time whole
            Files.writeString(folder.resolve("svc-1.yaml"), "kind: ServiceEntry\n");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(completed.get()).isGreaterThanOrEqualTo(1));
            assertThat(atLeastWarn()).hasSize(1);
        }
    }

    @Test
    void otherFailuresOfTheReadStayErrorsWithTheirCause(@TempDir Path folder) throws Exception {
        Runnable read = () -> {
            throw new IllegalStateException("the bus refused the revision");
        };
        try (FolderWatcher watcher = new FolderWatcher(folder, Duration.ofMillis(20), Duration.ofHours(1), read).start()) {
            watcher.runNow();
        }
        assertThat(atLeastWarn()).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("the bus refused the revision");
        });
    }

    @Test
    void aVanishedFileIsToldFromOtherInputFailures() {
        NoSuchFileException gone = new NoSuchFileException("/config/vs.yaml");
        assertThat(FolderWatcher.vanished(gone)).isSameAs(gone);
        assertThat(FolderWatcher.vanished(new UncheckedIOException(gone))).isSameAs(gone);
        assertThat(FolderWatcher.vanished(new AccessDeniedException("/config/vs.yaml"))).isNull();
        assertThat(FolderWatcher.vanished(new UncheckedIOException(new IOException("disk error")))).isNull();
        assertThat(FolderWatcher.vanished(new IllegalStateException(gone))).as("only as the walk wraps it").isNull();
    }

    private static void deleteAllBut(Path folder, Path keep) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files.filter(f -> !f.equals(keep))::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
