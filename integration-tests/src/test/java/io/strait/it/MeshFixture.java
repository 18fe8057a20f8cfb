package io.strait.it;

import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.demo.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mesh the acceptance tests drive: a {@code reviews} service whose v1, v2 and v3 endpoints are real gRPC
 * servers on free loopback ports, declared by a ServiceEntry, with subsets in a DestinationRule and routing in a
 * VirtualService file that the tests rewrite.
 */
final class MeshFixture implements AutoCloseable {
    static final String HOST = "reviews.bookinfo.svc.cluster.local";
    static final String AUTHORITY = HOST + ":9080";
    static final String VS_FILE = "virtual-services/reviews.yaml";
    private static final String VS_HEADER = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                """;

    final Path configDir;
    final Backends backends = new Backends();
    private final int[] ports = EmbeddedKafka.freePorts(3);

    MeshFixture(Path configDir) throws IOException {
        this.configDir = configDir;
        for (int i = 0; i < 3; i++) {
            backends.start("127.0.0.1", ports[i], "v" + (i + 1));
        }
        Files.createDirectories(configDir.resolve("services"));
        Files.createDirectories(configDir.resolve("destination-rules"));
        Files.createDirectories(configDir.resolve("virtual-services"));
        Files.writeString(configDir.resolve("services/reviews.yaml"), serviceEntry());
        Files.writeString(configDir.resolve("destination-rules/reviews.yaml"), destinationRule());
        writeVirtualService(split(70, 20, 10));
    }

    /** Replaces the VirtualService file in one write (like a git checkout would). */
    void writeVirtualService(String text) throws IOException {
        Path target = configDir.resolve(VS_FILE);
        Path tmp = configDir.resolve("virtual-services/.reviews.yaml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A VirtualService: {@code end-user: jason} → v2, everything else split by the given weights. */
    static String split(int v1, int v2, int v3) {
        return VS_HEADER + """
                  - name: jason
                    match:
                    - headers:
                        end-user:
                          exact: jason
                    route:
                    - destination:
                        host: reviews
                        subset: v2
                  - name: split
                    route:
                    - destination:
                        host: reviews
                        subset: v1
                      weight: %d
                    - destination:
                        host: reviews
                        subset: v2
                      weight: %d
                    - destination:
                        host: reviews
                        subset: %s
                      weight: %d
                """.formatted(v1, v2, "v3", v3);
    }

    /** Everything to one subset (which may not exist: the tests use that for an invalid edit). */
    static String all(String subset) {
        return VS_HEADER + """
                  - route:
                    - destination:
                        host: reviews
                        subset: %s
                """.formatted(subset);
    }

    /** The 1-based line of the {@code n}-th (1-based) line of {@code text} that equals {@code line} after trimming. */
    static int lineOf(String text, String line, int n) {
        List<String> lines = text.lines().toList();
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(line) && ++seen == n) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(line + " not found");
    }

    private String serviceEntry() {
        StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            endpoints.append("""
                      - address: 127.0.0.1
                        ports:
                          grpc: %d
                        labels:
                          version: v%d
                    """.formatted(ports[i], i + 1));
        }
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - %s
                  ports:
                  - number: 9080
                    name: grpc
                    protocol: GRPC
                  resolution: STATIC
                  endpoints:
                """.formatted(HOST) + endpoints;
    }

    private static String destinationRule() {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  subsets:
                  - name: v1
                    labels: {version: v1}
                  - name: v2
                    labels: {version: v2}
                  - name: v3
                    labels: {version: v3}
                """;
    }

    @Override
    public void close() {
        backends.close();
    }
}
