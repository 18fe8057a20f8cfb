package io.strait.cli;

import io.strait.cli.bootstrap.GrpcBootstrap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strait bootstrap grpc}: a bootstrap file for a proxyless gRPC client. */
@Command(name = "bootstrap", description = "Print a bootstrap for a data-plane client (grpc).")
public final class BootstrapCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "grpc (Envoy bootstraps come with the Envoy listener work)")
    String kind;

    @Option(names = "--xds", defaultValue = "127.0.0.1:15010", description = "xDS front host:port (default: ${DEFAULT-VALUE}).")
    String xds;

    @Option(names = "--name", defaultValue = "client", description = "Workload (pod) name.")
    String name;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Workload namespace.")
    String namespace;

    @Option(names = {"-l", "--label"}, description = "Workload label key=value (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Override
    public Integer call() {
        if (!kind.equals("grpc")) {
            System.err.println("strait: only `bootstrap grpc` exists in this version");
            return 2;
        }
        System.out.println(GrpcBootstrap.forWorkload(xds, name, namespace, labels).toJson());
        return 0;
    }
}
