package io.strait.model.mesh;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.MeshNetworks;
import io.strait.model.istio.ServiceEntry;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The networks of a mesh and their east-west gateways, as Istio's NetworkManager merges them: the gateways of the
 * MeshConfig's {@code meshNetworks} (a fixed {@code address}, or a {@code registryServiceName} whose addresses the
 * gateway takes) and the services labelled {@value #NETWORK_LABEL}{@code =<network>} (the east-west gateway's
 * Service, on port 15443 or the port of its {@value #GATEWAY_PORT_LABEL} label, which the service must declare).
 *
 * <p>A gateway ServiceEntry's addresses are its {@code addresses} that are IPs, else the IPs of its endpoints. A
 * gateway Service of a cluster's registry is read per cluster (its network label differs in each) and its addresses
 * are its LoadBalancer ingress and external IPs, as Istio takes them: the address other networks reach it at. Gateways with a host name instead of an IP are left out, as istiod does without
 * {@code RESOLVE_HOSTNAME_GATEWAYS}.
 *
 * <p>An endpoint's network is its own {@code network}, else its {@value #NETWORK_LABEL} label, else the network
 * whose {@code fromRegistry} names its cluster (its {@value #CLUSTER_LABEL} label), else the network whose
 * {@code fromCidr} holds its address; else none (it is in every proxy's network).
 *
 * <p>The mesh is multi-network when it has at least one gateway (Istio's {@code IsMultiNetworkEnabled}); otherwise
 * networks change nothing.
 *
 * @param gateways   the gateways of each network, each list sorted by address and port (Istio's SortGateways)
 * @param registries the network of each registry (cluster id) named by a {@code fromRegistry}
 * @param cidrs      the network of each {@code fromCidr} block, in network name order
 */
public record Networks(SortedMap<String, List<Gateway>> gateways, Map<String, String> registries, List<Cidr> cidrs) {
    /** The label naming a service's (or an endpoint's) network; on a service it marks the network's gateway. */
    public static final String NETWORK_LABEL = "topology.istio.io/network";
    /** The label giving a gateway service's mTLS port, when it is not 15443. */
    public static final String GATEWAY_PORT_LABEL = "networking.istio.io/gatewayPort";
    /** The label naming an endpoint's cluster (registry). */
    public static final String CLUSTER_LABEL = "topology.istio.io/cluster";
    /** Istio's default port of an east-west gateway's mTLS (AUTO_PASSTHROUGH) server. */
    public static final int DEFAULT_GATEWAY_PORT = 15443;
    private static final Pattern IP_LITERAL = Pattern.compile("^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$");

    /** No networks, no gateways. */
    public static final Networks NONE = new Networks(new TreeMap<>(), Map.of(), List.of());

    public Networks {
        SortedMap<String, List<Gateway>> copy = new TreeMap<>();
        gateways.forEach((n, list) -> copy.put(n, List.copyOf(list)));
        gateways = java.util.Collections.unmodifiableSortedMap(copy);
        registries = Map.copyOf(registries);
        cidrs = List.copyOf(cidrs);
    }

    /** A network gateway: where another network's proxies send traffic for this network's endpoints. */
    public record Gateway(String network, String address, int port) {
        /** Istio's order of gateways: by address, then port. */
        public static final Comparator<Gateway> ORDER = Comparator.comparing(Gateway::address).thenComparingInt(Gateway::port);
    }

    /** A {@code fromCidr} block of a network. */
    public record Cidr(String network, String block) {
        boolean contains(String address) {
            int slash = block.indexOf('/');
            byte[] net = literal(slash < 0 ? block : block.substring(0, slash));
            byte[] ip = literal(address);
            if (net == null || ip == null || net.length != ip.length) {
                return false;
            }
            int bits;
            try {
                bits = slash < 0 ? net.length * 8 : Integer.parseInt(block.substring(slash + 1));
            } catch (NumberFormatException e) {
                return false; // validation reports it
            }
            if (bits < 0 || bits > net.length * 8) {
                return false;
            }
            int shift = net.length * 8 - bits;
            return new BigInteger(1, net).shiftRight(shift).equals(new BigInteger(1, ip).shiftRight(shift));
        }
    }

    /** Whether the mesh has several networks joined by gateways (else networks change nothing). */
    public boolean multiNetwork() {
        return !gateways.isEmpty();
    }

    /** The gateways of a network (empty: the network has none). */
    public List<Gateway> gatewaysOf(String network) {
        return gateways.getOrDefault(network, List.of());
    }

    /**
     * The factor every endpoint weight is scaled by so that a remote endpoint's weight splits evenly across its
     * network's gateways: the least common multiple of the gateway counts of the networks (Istio's
     * {@code GetLBWeightScaleFactor}).
     */
    public int scaleFactor() {
        BigInteger lcm = BigInteger.ONE;
        for (List<Gateway> list : gateways.values()) {
            BigInteger n = BigInteger.valueOf(list.size());
            lcm = lcm.multiply(n).divide(lcm.gcd(n));
        }
        return lcm.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
    }

    /** The network an endpoint is in; empty when none says (it is then in every proxy's network). */
    public String networkOf(ServiceEntry.WorkloadEntry endpoint) {
        if (endpoint.network() != null && !endpoint.network().isEmpty()) {
            return endpoint.network();
        }
        String labelled = endpoint.labels().get(NETWORK_LABEL);
        if (labelled != null && !labelled.isEmpty()) {
            return labelled;
        }
        String registry = endpoint.labels().get(CLUSTER_LABEL);
        if (registry != null && registries.containsKey(registry)) {
            return registries.get(registry);
        }
        for (Cidr c : cidrs) {
            if (endpoint.address() != null && c.contains(endpoint.address())) {
                return c.network();
            }
        }
        return "";
    }

    /** The networks and gateways of a model: its MeshConfig's {@code meshNetworks} and its labelled services. */
    public static Networks of(MeshModel model) {
        MeshNetworks config = model.meshConfig().meshNetworks();
        SortedMap<String, java.util.SortedSet<Gateway>> gateways = new TreeMap<>();
        Map<String, String> registries = new java.util.HashMap<>();
        List<Cidr> cidrs = new ArrayList<>();
        config.networks().forEach((name, network) -> {
            for (MeshNetworks.NetworkEndpoints e : network.endpoints()) {
                if (e == null) {
                    continue;
                }
                if (e.fromRegistry() != null && !e.fromRegistry().isEmpty()) {
                    registries.putIfAbsent(e.fromRegistry(), name); // Istio: the first network naming a registry keeps it
                }
                if (e.fromCidr() != null && !e.fromCidr().isEmpty()) {
                    cidrs.add(new Cidr(name, e.fromCidr()));
                }
            }
            for (MeshNetworks.NetworkGateway g : network.gateways()) {
                if (g == null || g.port() == null) {
                    continue;
                }
                if (g.address() != null && !g.address().isEmpty()) {
                    add(gateways, new Gateway(name, g.address(), g.port()));
                } else if (g.registryServiceName() != null) {
                    model.service(g.registryServiceName()).ifPresent(s ->
                            addressesOf(model, s).forEach(a -> add(gateways, new Gateway(name, a, g.port()))));
                }
            }
        });
        for (MeshModel.Service s : model.services()) {
            if (s.declaredBy().kind().equals(ServiceRegistry.SERVICE_KIND)) {
                continue; // a cluster's Service: read per cluster below, where its own labels and addresses are
            }
            Map<String, String> labels = model.resource(s.declaredBy()).map(IstioResource::metadata)
                    .map(m -> m.labels()).orElse(Map.of());
            int port = gatewayPort(labels);
            String network = labels.get(NETWORK_LABEL);
            if (network == null || network.isEmpty() || s.port(port).isEmpty()) {
                continue; // not a gateway, or labelled but not listening for mTLS: Istio ignores it too
            }
            for (String address : addressesOf(model, s)) {
                add(gateways, new Gateway(network, address, port));
            }
        }
        // An east-west gateway Service has one hostname in every cluster but its own network label and addresses in
        // each, so gateways are read per cluster, not from the merged service. Its address is what another network
        // dials: its LoadBalancer ingress or external IPs (Istio's), never a cluster IP.
        for (ServiceRegistry.ClusterService c : model.registry().services().values()) {
            String network = c.labels().get(NETWORK_LABEL);
            int port = gatewayPort(c.labels());
            if (network == null || network.isEmpty() || c.ports().stream().noneMatch(p -> p.number() == port)) {
                continue;
            }
            for (String address : c.externalAddresses()) {
                add(gateways, new Gateway(network, address, port));
            }
        }
        SortedMap<String, List<Gateway>> out = new TreeMap<>();
        gateways.forEach((n, set) -> out.put(n, List.copyOf(set)));
        return new Networks(out, registries, cidrs);
    }

    /** A gateway service's mTLS port: its {@value #GATEWAY_PORT_LABEL} label, else 15443. */
    private static int gatewayPort(Map<String, String> labels) {
        try {
            return Integer.parseInt(labels.getOrDefault(GATEWAY_PORT_LABEL, String.valueOf(DEFAULT_GATEWAY_PORT)));
        } catch (NumberFormatException e) {
            return DEFAULT_GATEWAY_PORT; // Istio logs it and keeps 15443
        }
    }

    private static void add(SortedMap<String, java.util.SortedSet<Gateway>> gateways, Gateway g) {
        if (literal(g.address()) != null) {
            gateways.computeIfAbsent(g.network(), n -> new java.util.TreeSet<>(Gateway.ORDER)).add(g);
        }
    }

    /** A gateway service's reachable addresses: its IP {@code addresses}, else its endpoints' IPs. */
    private static List<String> addressesOf(MeshModel model, MeshModel.Service s) {
        List<String> ips = s.entry().addresses().stream().filter(a -> a != null && literal(a) != null).toList();
        if (!ips.isEmpty()) {
            return ips;
        }
        return model.endpointsOf(s).stream().map(ServiceEntry.WorkloadEntry::address)
                .filter(a -> a != null && literal(a) != null).distinct().toList();
    }

    /** The bytes of an IP literal, or null for anything else (never a DNS lookup). */
    static byte[] literal(String s) {
        if (s == null || !IP_LITERAL.matcher(s).matches()) {
            return null;
        }
        if (!s.contains(":") && java.util.Arrays.stream(s.split("\\.")).anyMatch(o -> Integer.parseInt(o) > 255)) {
            return null; // not a literal: InetAddress would look it up as a name
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
