package io.strait.it;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Path;
import java.util.EnumSet;

/** Strait as `strait up` runs it, inside the test JVM: embedded broker, every role, free ports. */
final class InProcess {
    private InProcess() {
    }

    /**
     * @param dataDir   broker data
     * @param configDir the folder ingest watches
     * @param frontId   the front's id
     * @param admin     whether to serve the admin port (on a free port)
     */
    static StraitNode start(Path dataDir, Path configDir, String frontId, boolean admin) throws Exception {
        return new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, dataDir, configDir, "127.0.0.1",
                EmbeddedKafka.freePort(), admin ? 0 : -1, frontId, BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
    }

    /** Closes what was started, in order, skipping what never was. */
    static void close(AutoCloseable... things) {
        for (AutoCloseable t : things) {
            if (t != null) {
                try {
                    t.close();
                } catch (Exception e) {
                    System.err.println("closing " + t + " failed: " + e);
                }
            }
        }
    }
}
