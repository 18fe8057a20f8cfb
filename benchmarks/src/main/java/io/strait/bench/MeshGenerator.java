package io.strait.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A generated mesh: services spread over namespaces, each a ServiceEntry with two endpoints, a DestinationRule with
 * two subsets and a VirtualService splitting traffic 90/10 between them. It also makes the revisions the harness
 * commits: a subset added, a weight shift, a new service, an endpoint moved. A <b>steady</b> mesh (the soak's
 * {@code --steady 1}) never grows: each DestinationRule has a third subset, {@code flip-a} or {@code flip-b}, and its
 * revisions shift an existing VirtualService's weights or flip an existing DestinationRule's third subset to the
 * other name, in turn, so the objects (and clusters) stay as many as at the start.
 */
final class MeshGenerator {
    private final Path dir;
    private final int services;
    private final int namespaces;
    /** Whether revisions change existing objects only (the mesh keeps its size). */
    private final boolean steady;
    /** Steady: the services whose third subset is {@code flip-b} now (the others have {@code flip-a}). */
    private final Set<Integer> flippedToB = new HashSet<>();
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
        this(dir, services, namespaces, false);
    }

    /** @param steady revisions change existing objects only: weight shifts and subset flips (see the class comment) */
    MeshGenerator(Path dir, int services, int namespaces, boolean steady) {
        this.dir = dir;
        this.services = services;
        this.namespaces = namespaces;
        this.steady = steady;
    }

    /** Clusters each service makes: its own and one per subset (two, or three in a steady mesh). */
    int clustersPerService() {
        return steady ? 4 : 3;
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

    /**
     * Revision {@code n} of the config stream: a subset added, a weight shift or a new service, in turn; in a steady
     * mesh a weight shift or a subset flip, in turn.
     */
    Change configChange(int n) {
        if (steady) {
            return n % 2 == 0 ? shiftWeight(n) : flipSubset(n);
        }
        return switch (n % 3) {
            case 0 -> addSubset(n);
            case 1 -> shiftWeight(n);
            default -> addService();
        };
    }

    /** The kind of revision {@code n} of this mesh's config stream, as {@link #configChange} makes it. */
    String kind(int n) {
        return steady ? (n % 2 == 0 ? "weights" : "flip") : kindOf(n);
    }

    /** The kind of revision {@code n} of a growing mesh's config stream. */
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

    /**
     * Flips the third subset of service {@code n % services} to the other name ({@code flip-a} ↔ {@code flip-b}):
     * the DestinationRule keeps three subsets; proxies must receive the cluster of the new one.
     */
    private Change flipSubset(int n) {
        int service = n % services;
        boolean toB = !flippedToB.remove(service);
        if (toB) {
            flippedToB.add(service);
        }
        return new Change(service, ns(service), "outbound|8080|" + (toB ? "flip-b" : "flip-a") + "|" + host(service));
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
        if (steady) {
            subsets.append("  - {name: ").append(flippedToB.contains(i) ? "flip-b" : "flip-a").append(", labels: {version: v1}}\n");
        }
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
