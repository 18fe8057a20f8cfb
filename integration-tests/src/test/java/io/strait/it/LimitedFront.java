package io.strait.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strait.cli.runtime.StraitNode;
import io.strait.xds.FrontLimits;
import io.strait.xds.FrontSecurity;
import io.strait.xds.XdsFront;
import java.nio.file.Path;

/**
 * A real front with limits of a test's own, on the bus of an in-process node that serves {@link MeshFixture}'s mesh
 * (the node runs its own front too; this one's limits and metrics are the test's alone).
 */
final class LimitedFront implements AutoCloseable {
    final MeshFixture mesh;
    final StraitNode node;
    final XdsFront front;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    LimitedFront(Path dir, String frontId, FrontLimits limits) throws Exception {
        mesh = new MeshFixture(dir.resolve("config"));
        node = InProcess.start(dir.resolve("data"), mesh.configDir, "front-main", false);
        front = new XdsFront(node.bus(), "127.0.0.1", 0, frontId, metrics, 6_000, FrontSecurity.plaintextOnly(), limits).start();
    }

    @Override
    public void close() {
        InProcess.close(front, node, mesh);
    }
}
