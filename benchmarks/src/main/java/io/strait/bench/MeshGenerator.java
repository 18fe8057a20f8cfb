package io.strait.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** A generated mesh: services spread over namespaces, each a ServiceEntry with two endpoints and two subsets. */
final class MeshGenerator {
    private final Path dir;
    private final int services;
    private final int namespaces;
    private final List<List<String>> extraSubsets = new ArrayList<>();
    /** Per service, the address its v1 endpoint moved to (null: where it started). */
    private final String[] movedV1;
    private int moves;

    MeshGenerator(Path dir, int services, int namespaces) {
        this.dir = dir;
        this.services = services;
        this.namespaces = namespaces;
        for (int i = 0; i < services; i++) {
            extraSubsets.add(new ArrayList<>());
        }
        this.movedV1 = new String[services];
    }

    private String ns(int service) {
        return "ns-" + (service % namespaces);
    }

    private String host(int service) {
        return "svc-" + service + "." + ns(service) + ".svc.cluster.local";
    }

    void writeAll() throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < services; i++) {
            write(i);
        }
    }

    /**
     * A default Sidecar per namespace with egress {@code ./*}: each proxy receives its own namespace's services
     * only, as Istio's scaling guide recommends for large meshes.
     */
    void writeSidecars() throws Exception {
        for (int n = 0; n < namespaces; n++) {
            Files.writeString(dir.resolve("sidecar-ns-" + n + ".yaml"), """
                    apiVersion: networking.istio.io/v1
                    kind: Sidecar
                    metadata: {name: default, namespace: ns-%d}
                    spec:
                      egress: [{hosts: ["./*"]}]
                    """.formatted(n));
        }
    }

    /** The fewest services a namespace has: what every proxy sees at least, with namespace-scoped Sidecars. */
    int servicesPerNamespace() {
        return services / namespaces;
    }

    /** The namespace of the service revision {@code n} changes. */
    String namespaceChangedBy(int n) {
        return ns(n % services);
    }

    /** Adds subset {@code r<n>} to service {@code n % services} (written by {@link #flush}); returns its cluster. */
    String addSubset(int n) {
        int service = n % services;
        extraSubsets.get(service).add("r" + n);
        return "outbound|8080|r" + n + "|" + host(service);
    }

    /**
     * Endpoint churn: moves the v1 endpoint of service {@code n % services} to a new address (written by
     * {@link #flush}); returns the address every proxy that sees the service must receive.
     */
    String moveEndpoint(int n) {
        int move = moves++; // every move gets an address never used before
        String address = "172.16." + (move / 250 % 250) + "." + (move % 250 + 1);
        movedV1[n % services] = address;
        return address;
    }

    void flush(int n) throws Exception {
        write(n % services);
    }

    private void write(int i) throws Exception {
        StringBuilder subsets = new StringBuilder("  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n");
        for (String s : extraSubsets.get(i)) {
            subsets.append("  - {name: ").append(s).append(", labels: {version: v1}}\n");
        }
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  hosts: [%3$s]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: %6$s, labels: {version: v1}}
                  - {address: 10.%4$d.%5$d.2, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  host: %3$s
                  subsets:
                """.formatted(i, ns(i), host(i), i / 250, i % 250,
                movedV1[i] != null ? movedV1[i] : "10." + (i / 250) + "." + (i % 250) + ".1") + subsets;
        Path tmp = dir.resolve(".svc-" + i + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve("svc-" + i + ".yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
