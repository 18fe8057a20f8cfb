package io.strait.cli.demo;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.strait.agent.role.WorkloadAgent;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.WorkloadEntry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.pilot.ScopeTranslator;
import java.io.IOException;
import java.io.PrintStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The secured demo's backends: for every WorkloadEntry on this machine (a loopback address) that a ServiceEntry
 * selects, its own {@code strait agent} and a grpc-xds server ({@code XdsServerBuilder}, {@code XdsServerCredentials})
 * on each of its ports, answering with its {@code version} label. The server takes its security from Strait — the
 * inbound listener of its port, mTLS when its PeerAuthentication is STRICT — and prints who called it, by the
 * SPIFFE id of the client certificate in the TLS session, whenever that changes.
 *
 * <p>grpc-java's xDS server binds the wildcard address (its listener is {@code 0.0.0.0:<port>}); under STRICT it
 * admits only mesh certificates.
 */
public final class SecureBackends implements AutoCloseable {
    private final PrintStream out;
    private final List<Server> servers = new ArrayList<>();
    private final Map<String, String> callers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> serving = new ConcurrentHashMap<>();

    private SecureBackends(PrintStream out) {
        this.out = out;
    }

    /**
     * Starts an agent and servers for every loopback WorkloadEntry the model's ServiceEntries select; the servers
     * start serving once Strait sends their inbound listeners ({@link #serving}).
     *
     * @throws IllegalArgumentException when the model has no such WorkloadEntry: nothing to secure
     */
    public static SecureBackends forModel(MeshModel model, MeshAgents agents, PrintStream out) throws IOException {
        SecureBackends backends = new SecureBackends(out);
        try {
            for (IstioResource r : model.resources()) {
                if (r.spec() instanceof WorkloadEntry we && we.address() != null && we.address().startsWith("127.")) {
                    String sa = we.serviceAccount() == null || we.serviceAccount().isEmpty() ? "default" : we.serviceAccount();
                    TreeSet<Integer> ports = portsOf(model, r.namespace(), r.name(), sa, we);
                    if (!ports.isEmpty()) {
                        WorkloadAgent agent = agents.start(r.name(), r.namespace(), sa, we.labels());
                        for (int port : ports) {
                            backends.serve(r.name(), we.labels().getOrDefault("version", r.name()), port, agent);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            backends.close();
            throw e;
        }
        if (backends.servers.isEmpty()) {
            throw new IllegalArgumentException("the secured demo runs a server per WorkloadEntry at a 127.x address that a "
                    + "ServiceEntry's workloadSelector picks, and this config has none: use --config samples/secure-bookinfo "
                    + "or add WorkloadEntries like those in it");
        }
        return backends;
    }

    /**
     * Where the workload of a WorkloadEntry listens: the ports Strait gives its server inbound listeners for (the
     * translator's own answer, so the server binds exactly the port whose listener it will be sent).
     */
    private static TreeSet<Integer> portsOf(MeshModel model, String namespace, String pod, String sa, WorkloadEntry we) {
        ProxyIdentity proxy = new ProxyIdentity("sidecar~" + we.address() + "~" + pod + "." + namespace + "~" + namespace
                + ".svc.cluster.local", ProxyType.GRPC, we.address(), pod, namespace, sa, "Kubernetes", we.labels(), "");
        return new TreeSet<>(ScopeTranslator.grpcInboundPorts(model, proxy));
    }

    private void serve(String pod, String answer, int port, WorkloadAgent agent) {
        String backend = pod + ":" + port;
        serving.put(backend, false);
        ServerInterceptor seeCaller = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                saw(pod, callerOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
                return next.startCall(call, headers);
            }
        };
        Server server = XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(agent.bootstrap().toMap()) // the agent's bootstrap, as GRPC_XDS_BOOTSTRAP would give it
                .xdsServingStatusListener(new XdsServerBuilder.XdsServingStatusListener() {
                    @Override
                    public void onServing() {
                        if (!Boolean.TRUE.equals(serving.put(backend, true))) {
                            servingChanged();
                            out.printf("  serving    %-11s on :%d with the inbound listener Strait sent it%n", pod, port);
                        }
                    }

                    @Override
                    public void onNotServing(Throwable cause) {
                        serving.put(backend, false);
                        out.printf("  not serving %s on :%d: %s%n", pod, port, cause.getMessage());
                    }
                })
                .addService(ServerInterceptors.intercept(EchoService.answering(answer), seeCaller))
                .build();
        servers.add(server);
        // start() blocks until Strait's inbound listener arrives; the servers wait for theirs side by side
        Thread starter = new Thread(() -> {
            try {
                server.start();
            } catch (IOException | IllegalStateException e) {
                out.printf("  failed     %s on :%d: %s%n", pod, port, e.getMessage());
            }
        }, "strait-demo-" + pod);
        starter.setDaemon(true);
        starter.start();
    }

    private void saw(String pod, String caller) {
        if (!caller.equals(callers.put(pod, caller))) {
            out.println(caller.startsWith("spiffe://") ? "mTLS     " + pod + " ← " + caller : "plain    " + pod + " ← " + caller);
        }
    }

    /** The caller's SPIFFE id from its certificate's URI SAN, or why there is none. */
    static String callerOf(SSLSession session) {
        if (session == null) {
            return "plain text, no client certificate";
        }
        try {
            X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(san.get(0))) { // 6: uniformResourceIdentifier
                        return (String) san.get(1);
                    }
                }
            }
            return "a client certificate without a URI SAN: " + leaf.getSubjectX500Principal();
        } catch (SSLPeerUnverifiedException e) {
            return "TLS without a client certificate";
        } catch (java.security.cert.CertificateParsingException e) {
            return "an unreadable client certificate: " + e.getMessage();
        }
    }

    /** The last caller each backend saw, by pod: a SPIFFE id under mTLS. */
    public Map<String, String> callers() {
        return Map.copyOf(callers);
    }

    /** Whether every server got its inbound listener from Strait. */
    public boolean serving() {
        return !serving.isEmpty() && serving.values().stream().allMatch(Boolean::booleanValue);
    }

    /** Waits up to {@code timeout} for every server to serve (so the demo's first calls find them); false if some do not. */
    public synchronized boolean awaitServing(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!serving()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private synchronized void servingChanged() {
        notifyAll();
    }

    @Override
    public void close() {
        servers.forEach(Server::shutdownNow);
    }
}
