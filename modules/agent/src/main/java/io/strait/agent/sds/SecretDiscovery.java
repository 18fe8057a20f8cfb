package io.strait.agent.sds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strait.agent.credentials.WorkloadCredentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's Secret Discovery Service (state of the world, and the unary fetch) as istio-agent serves it on its Unix
 * socket: {@code default} is the workload's certificate chain and key ({@code tls_certificate}, inline),
 * {@code ROOTCA} every trusted root ({@code validation_context}). Every {@link #update} — a rotation or a trust
 * change — is a new version pushed on every open stream; a stream answers a request only when the client lacks the
 * current version or asked for other names, so an ACK is not answered and a NACK is logged, not retried.
 */
public final class SecretDiscovery extends SecretDiscoveryServiceGrpc.SecretDiscoveryServiceImplBase {
    /** Istio's name for the workload certificate. */
    public static final String WORKLOAD = "default";
    /** Istio's name for the trusted roots. */
    public static final String ROOT_CA = "ROOTCA";
    static final String SECRET_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
    private static final Logger LOG = LoggerFactory.getLogger(SecretDiscovery.class);

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicLong nonces = new AtomicLong();
    private volatile Snapshot snapshot;

    private record Snapshot(String version, WorkloadCredentials credentials) {
    }

    public SecretDiscovery(WorkloadCredentials first) {
        this.snapshot = new Snapshot("1", first);
    }

    /** Serves {@code credentials} from now on and pushes them to every open stream. */
    public void update(WorkloadCredentials credentials) {
        Snapshot next;
        synchronized (this) {
            next = new Snapshot(String.valueOf(Long.parseLong(snapshot.version()) + 1), credentials);
            snapshot = next;
        }
        for (Stream s : streams) {
            s.push(next);
        }
    }

    /** The version being served (tests). */
    public String version() {
        return snapshot.version();
    }

    @Override
    public StreamObserver<DiscoveryRequest> streamSecrets(StreamObserver<DiscoveryResponse> responses) {
        Stream stream = new Stream((ServerCallStreamObserver<DiscoveryResponse>) responses);
        streams.add(stream);
        ((ServerCallStreamObserver<DiscoveryResponse>) responses).setOnCancelHandler(() -> streams.remove(stream));
        return stream;
    }

    @Override
    public void fetchSecrets(DiscoveryRequest request, StreamObserver<DiscoveryResponse> response) {
        response.onNext(response(snapshot, names(request), String.valueOf(nonces.incrementAndGet())));
        response.onCompleted();
    }

    private static List<String> names(DiscoveryRequest request) {
        return request.getResourceNamesCount() == 0 ? List.of(WORKLOAD, ROOT_CA) : request.getResourceNamesList();
    }

    static DiscoveryResponse response(Snapshot snapshot, List<String> names, String nonce) {
        DiscoveryResponse.Builder r = DiscoveryResponse.newBuilder().setVersionInfo(snapshot.version()).setTypeUrl(SECRET_TYPE).setNonce(nonce);
        for (String name : new LinkedHashSet<>(names)) {
            Secret secret = secret(name, snapshot.credentials());
            if (secret != null) {
                r.addResources(Any.pack(secret));
            }
        }
        return r.build();
    }

    /** The secret called {@code name}, or null: Istio serves only these two (and file paths, which Strait does not). */
    static Secret secret(String name, WorkloadCredentials c) {
        return switch (name) {
            case WORKLOAD -> Secret.newBuilder().setName(WORKLOAD).setTlsCertificate(TlsCertificate.newBuilder()
                    .setCertificateChain(inline(c.chainPem()))
                    .setPrivateKey(inline(c.keyPem()))).build();
            case ROOT_CA -> Secret.newBuilder().setName(ROOT_CA).setValidationContext(CertificateValidationContext.newBuilder()
                    .setTrustedCa(inline(c.rootsPem()))).build();
            default -> null;
        };
    }

    private static DataSource inline(String pem) {
        return DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.US_ASCII)).build();
    }

    /** One SDS stream: the names it asked for and the version it was last sent. */
    private final class Stream implements StreamObserver<DiscoveryRequest> {
        private final ServerCallStreamObserver<DiscoveryResponse> out;
        private List<String> names = List.of();
        private String sent = "";
        private boolean open = true;

        Stream(ServerCallStreamObserver<DiscoveryResponse> out) {
            this.out = out;
        }

        @Override
        public synchronized void onNext(DiscoveryRequest request) {
            if (request.hasErrorDetail()) {
                LOG.warn("SDS client {} rejected secrets version {}: {}", request.getNode().getId(), request.getVersionInfo(),
                        request.getErrorDetail().getMessage());
            }
            List<String> asked = names(request);
            Snapshot now = snapshot;
            boolean namesChanged = !asked.equals(names);
            names = new ArrayList<>(asked);
            if (namesChanged || (!request.hasErrorDetail() && !now.version().equals(request.getVersionInfo()) && !now.version().equals(sent))) {
                send(now);
            }
        }

        synchronized void push(Snapshot next) {
            if (!names.isEmpty() && !next.version().equals(sent)) {
                send(next);
            }
        }

        private void send(Snapshot s) {
            if (!open) {
                return;
            }
            try {
                out.onNext(response(s, names, String.valueOf(nonces.incrementAndGet())));
                sent = s.version();
            } catch (RuntimeException e) {
                open = false;
                streams.remove(this);
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            open = false;
            streams.remove(this);
        }

        @Override
        public synchronized void onCompleted() {
            open = false;
            streams.remove(this);
            out.onCompleted();
        }
    }
}
