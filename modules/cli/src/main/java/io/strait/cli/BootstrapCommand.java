package io.strait.cli;

import io.strait.cli.bootstrap.EnvoyBootstrap;
import io.strait.agent.bootstrap.GrpcBootstrap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strait bootstrap grpc|envoy}: a bootstrap for a proxyless gRPC client, or an Istio-style bootstrap for an
 * Envoy sidecar or gateway ({@code --node router~…} makes a gateway).
 */
@Command(name = "bootstrap", description = "Print a bootstrap for a data-plane client: grpc (proxyless) or envoy (sidecar, gateway).")
public final class BootstrapCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "grpc or envoy")
    String kind;

    @Option(names = "--xds", defaultValue = "127.0.0.1:15010", description = "xDS front host:port (default: ${DEFAULT-VALUE}).")
    String xds;

    @Option(names = "--node", description = "envoy: the node id in Istio's form, e.g. sidecar~10.0.0.7~web-1.shop~shop.svc.cluster.local "
            + "or router~10.0.0.9~ingress-1.istio-system~istio-system.svc.cluster.local (default: a sidecar from --name and --namespace).")
    String node;

    @Option(names = "--name", defaultValue = "client", description = "Workload (pod) name.")
    String name;

    @Option(names = {"-n", "--namespace"}, description = "Workload namespace (default: the node id's, else default).")
    String namespace;

    @Option(names = {"-l", "--label"}, description = "Workload label key=value (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--sds-socket", description = "envoy: the agent's SDS socket (default: Istio's ./var/run/secrets/workload-spiffe-uds/socket; "
            + "strait agent serves it at <out>/workload-spiffe-uds/socket).")
    String sdsSocket;

    @Override
    public Integer call() {
        switch (kind) {
            case "grpc" -> System.out.println(GrpcBootstrap.forWorkload(xds, name, namespaceOr("default"), labels).toJson());
            case "envoy" -> {
                String id = node != null ? node : "sidecar~127.0.0.1~" + name + "." + namespaceOr("default") + "~"
                        + namespaceOr("default") + ".svc.cluster.local";
                try {
                    System.out.println(new EnvoyBootstrap(xds, EnvoyBootstrap.identity(id, namespace, labels),
                            sdsSocket != null ? sdsSocket : EnvoyBootstrap.SDS_SOCKET).toJson());
                } catch (IllegalArgumentException e) {
                    System.err.println("strait: " + e.getMessage());
                    return 2;
                }
            }
            default -> {
                System.err.println("strait: unknown bootstrap kind \"" + kind + "\"; use grpc or envoy");
                return 2;
            }
        }
        return 0;
    }

    private String namespaceOr(String fallback) {
        return namespace != null ? namespace : fallback;
    }
}
