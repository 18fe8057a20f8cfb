package io.strait.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated mesh: services spread over namespaces, each a ServiceEntry with two endpoints, a DestinationRule with
 * two subsets and a VirtualService splitting traffic 90/10 between them. It also makes the revisions the harness
 * commits: a subset added, a weight shift, a new service, an endpoint moved.
 */
final class MeshGenerator {
    private final Path dir;
    private final int services;
    private final int namespaces;
    private int added;
    private int moves;
    private final Map<Integer, List<String>> extraSubsets = new HashMap<>();
    /** Per service, the address its v1 endpoint moved to (absent: where it started). */
    private final Map<Integer, String> movedV1 = new HashMap<>();
    /** Per service, the weight of subset v1 (absent: 90). */
    private final Map<Integer, Integer> v1Weight = new HashMap<>();

    /** What one revision changed: the file to write, the namespace whose proxies see it, what they must receive. */
    record Change(int service, String namespace, String expect) {
    }

    MeshGenerator(Path dir, int services, int namespaces) {
        this.dir = dir;
        this.services = services;
        this.namespaces = namespaces;
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

    /** Revision {@code n} of the config stream: a subset added, a weight shift or a new service, in turn. */
    Change configChange(int n) {
        return switch (n % 3) {
            case 0 -> addSubset(n);
            case 1 -> shiftWeight(n);
            default -> addService();
        };
    }

    static String kindOf(int n) {
        return switch (n % 3) {
            case 0 -> "subset";
            case 1 -> "weights";
            default -> "service";
        };
    }

    /** Adds subset {@code r<n>} to service {@code n % services}; proxies must receive its cluster. */
    private Change addSubset(int n) {
        int service = n % services;
        extraSubsets.computeIfAbsent(service, k -> new ArrayList<>()).add("r" + n);
        return new Change(service, ns(service), "outbound|8080|r" + n + "|" + host(service));
    }

    /** Moves the v1/v2 split of service {@code n % services} to a new weight; proxies must receive the route. */
    private Change shiftWeight(int n) {
        int service = n % services;
        int before = v1Weight.getOrDefault(service, 90);
        int weight = 1 + (before + 7) % 98; // never the weight it had
        v1Weight.put(service, weight);
        return new Change(service, ns(service), "outbound|8080|v1|" + host(service) + "=" + weight);
    }

    /** A service that did not exist; proxies of its namespace must receive its cluster. */
    private Change addService() {
        int service = services + added++;
        return new Change(service, ns(service), "outbound|8080||" + host(service));
    }

    /** Endpoint churn: moves the v1 endpoint of service {@code n % services} to an address never used before. */
    Change moveEndpoint(int n) {
        int service = n % services;
        int move = moves++;
        String address = "172.16." + (move / 250 % 250) + "." + (move % 250 + 1);
        movedV1.put(service, address);
        return new Change(service, ns(service), address);
    }

    /** Writes the file of the service a change is about (atomically: the watcher never sees half of it). */
    void flush(Change change) throws Exception {
        write(change.service());
    }

    private void write(int i) throws Exception {
        StringBuilder subsets = new StringBuilder("  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n");
        for (String s : extraSubsets.getOrDefault(i, List.of())) {
            subsets.append("  - {name: ").append(s).append(", labels: {version: v1}}\n");
        }
        int weight = v1Weight.getOrDefault(i, 90);
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  hosts: [%3$s]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: %4$s, labels: {version: v1}}
                  - {address: %5$s, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  hosts: [%3$s]
                  http:
                  - route:
                    - {destination: {host: %3$s, subset: v1}, weight: %6$d}
                    - {destination: {host: %3$s, subset: v2}, weight: %7$d}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  host: %3$s
                  subsets:
                """.formatted(i, ns(i), host(i), movedV1.getOrDefault(i, "10." + (i / 250) + "." + (i % 250) + ".1"),
                "10." + (i / 250) + "." + (i % 250) + ".2", weight, 100 - weight) + subsets;
        Path tmp = dir.resolve(".svc-" + i + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve("svc-" + i + ".yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
