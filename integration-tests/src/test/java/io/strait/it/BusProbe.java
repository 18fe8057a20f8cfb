package io.strait.it;

import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.cli.Main;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.StatusReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads what the tests assert on from the bus, and runs the real {@code strait status} command. */
final class BusProbe {
    private BusProbe() {
    }

    static MeshStatus status(BusConfig bus) {
        return StatusReader.read(bus, Duration.ofSeconds(20));
    }

    static RevisionStatus source(BusConfig bus) {
        return status(bus).sources().stream().findFirst().orElse(null);
    }

    static String lastRejected(BusConfig bus) {
        RevisionStatus s = source(bus);
        return s == null || s.lastRejected() == null ? null : s.lastRejected().revision();
    }

    /** True when the proxy is registered and SYNCED on every type. */
    static boolean synced(BusConfig bus, String proxyId) {
        return status(bus).proxies().stream().anyMatch(p -> p.registration().proxyId().equals(proxyId)
                && p.types().size() == 4 && p.types().values().stream().allMatch(t -> t.state().equals("SYNCED")));
    }

    /** Runs {@code strait <args>} in this JVM and returns what it printed; fails on a non-zero exit code. */
    static String cli(String... args) {
        return cli(0, args);
    }

    /** Runs {@code strait <args>} in this JVM and returns what it printed; fails unless it exits with {@code expected}. */
    static synchronized String cli(int expected, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute(args);
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (code != expected) {
            throw new AssertionError("strait " + String.join(" ", args) + " exited " + code + ", not " + expected + ":\n" + text);
        }
        return text;
    }
}
