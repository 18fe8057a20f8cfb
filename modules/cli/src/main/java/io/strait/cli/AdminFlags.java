package io.strait.cli;

import io.strait.cli.config.AdminClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a running node's admin port is and where its admin token lives: the flags of every command that calls it. */
final class AdminFlags {
    @Option(names = "--admin-port", defaultValue = "15014", description = "Admin port of the node (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--data-dir", defaultValue = ".strait", description = "That node's data directory, where its admin-token is (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    /** A client of that node, authenticated with its admin token. */
    AdminClient client() {
        return new AdminClient(adminPort, dataDir);
    }
}
