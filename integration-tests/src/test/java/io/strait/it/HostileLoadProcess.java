package io.strait.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link HostileLoad} in a JVM of its own, with the test classpath, at the lowest CPU priority where {@code nice}
 * exists: on a test machine of two cores it stands in for hostile clients on other machines, so the front's share of
 * the cores is what the figure measures, not a race with the generator. Its output goes to a file; it is stopped by
 * its own pid.
 */
final class HostileLoadProcess implements AutoCloseable {
    private static final Path NICE = Path.of("/usr/bin/nice");

    private final Process process;
    private final Path output;
    final boolean niced;

    /** Starts the generator against the front on {@code port} and waits (120 s bound) until every client has run once. */
    HostileLoadProcess(int port, Path dir) throws IOException {
        Files.createDirectories(dir);
        output = dir.resolve("hostile-load.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        niced = Files.isExecutable(NICE);
        if (niced) {
            command.addAll(List.of(NICE.toString(), "-n", "19"));
        }
        command.addAll(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, HostileLoad.class.getName(),
                Integer.toString(port)));
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> output().lines().anyMatch("READY"::equals) && !lastCounts().isEmpty() || !process.isAlive());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("the hostile load generator ended before it was ready:\n" + output());
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time the generator has used so far (0 where the platform does not say). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    long pid() {
        return process.pid();
    }

    /**
     * The generator's last COUNTS line (what its clients made the front handle since it started, at most a second
     * old while it runs, final once it is closed), by name; empty before the first.
     */
    java.util.Map<String, Long> lastCounts() throws IOException {
        String last = "";
        for (String line : output().split("\n")) {
            if (line.startsWith("COUNTS {")) {
                last = line.substring("COUNTS {".length(), line.lastIndexOf('}'));
            }
        }
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String pair : last.split(", ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                counts.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1).trim()));
            }
        }
        return counts;
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    /**
     * SIGTERM by pid (its shutdown hook prints the final counts), then SIGKILL if it has not ended in 10 s. {@code nice}
     * execs the JVM, so the pid is the generator's own.
     */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
