package io.strait.ca.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.strait.ca.auth.AuthenticationFailed;
import io.strait.ca.auth.AuthenticationUnavailable;
import io.strait.ca.auth.Authenticators;
import io.strait.ca.auth.CallerCredentials;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.CsrRejected;
import io.strait.ca.keys.Pem;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio's {@code CreateCertificate} over the CA core: authenticates the caller (bearer join token or client
 * certificate), signs the CSR for <em>that</em> identity and returns the chain. UNAUTHENTICATED for bad credentials,
 * UNAVAILABLE when they could not be checked now (an API server reviewing a Kubernetes token is down: retry),
 * INVALID_ARGUMENT with the reason for a bad CSR or TTL, INTERNAL (without details) for anything unexpected — the
 * client never sees a stack trace and the role keeps serving.
 */
public final class CertificateService {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateService.class);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** Istio's agent names its cluster in this metadata; it picks the API server that reviews a Kubernetes token. */
    public static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("clusterid", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<CallerCredentials> CREDENTIALS = Context.key("strait-ca-caller");

    private final Supplier<CertificateAuthority> ca;
    private final Authenticators authenticators;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final CertificateMetrics metrics;

    public CertificateService(Supplier<CertificateAuthority> ca, Authenticators authenticators, CertificateMetrics metrics) {
        this.ca = ca;
        this.authenticators = authenticators;
        this.metrics = metrics;
    }

    /** The service to add to a gRPC server: the method plus the interceptor that reads the caller's credentials. */
    public ServerServiceDefinition definition() {
        ServerServiceDefinition raw = ServerServiceDefinition.builder(IstioCertificateServiceDescriptor.SERVICE)
                .addMethod(IstioCertificateServiceDescriptor.CREATE_CERTIFICATE, ServerCalls.asyncUnaryCall(this::createCertificate))
                .build();
        return ServerInterceptors.intercept(raw, new CredentialsInterceptor());
    }

    /** Certificates issued since start. */
    public long issued() {
        return issued.get();
    }

    /** Requests refused since start. */
    public long refused() {
        return refused.get();
    }

    void createCertificate(IstioCertificateRequest request, StreamObserver<IstioCertificateResponse> response) {
        metrics.received();
        CallerCredentials credentials = CREDENTIALS.get();
        SpiffeId identity;
        try {
            identity = authenticators.authenticate(credentials == null ? new CallerCredentials(null, List.of()) : credentials);
        } catch (AuthenticationUnavailable e) {
            refused.incrementAndGet();
            metrics.unauthenticated();
            LOG.warn("certificate request refused: the caller's credentials could not be checked ({})", e.getMessage());
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (AuthenticationFailed e) {
            refused.incrementAndGet();
            metrics.unauthenticated();
            LOG.info("certificate request refused: unauthenticated caller ({})", e.getMessage());
            response.onError(Status.UNAUTHENTICATED.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        try {
            List<X509Certificate> chain = ca.get().sign(request.csr(), identity, Duration.ofSeconds(Math.max(0, request.validityDuration())));
            List<String> pems = new ArrayList<>(chain.size());
            chain.forEach(c -> pems.add(Pem.of(c)));
            issued.incrementAndGet();
            metrics.issued();
            LOG.debug("issued a certificate for {} until {}", identity, chain.get(0).getNotAfter().toInstant());
            response.onNext(new IstioCertificateResponse(pems));
            response.onCompleted();
        } catch (CsrRejected e) {
            refused.incrementAndGet();
            metrics.refused();
            LOG.info("certificate request from {} refused: {}", identity, e.getMessage());
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            metrics.refused();
            LOG.error("certificate signing for {} failed", identity, e);
            response.onError(Status.INTERNAL.withDescription("certificate signing failed; see the CA's log").asRuntimeException());
        }
    }

    /** Puts the bearer token and the TLS peer chain of each call into its context for the handler. */
    private static final class CredentialsInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String token = null;
            String auth = headers.get(AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = auth.substring(7).trim();
            }
            List<X509Certificate> peer = new ArrayList<>();
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            if (session != null) {
                try {
                    for (Certificate c : session.getPeerCertificates()) {
                        if (c instanceof X509Certificate x) {
                            peer.add(x);
                        }
                    }
                } catch (SSLPeerUnverifiedException e) {
                    // no client certificate: the token, if any, decides
                }
            }
            Context ctx = Context.current().withValue(CREDENTIALS, new CallerCredentials(token, peer, headers.get(CLUSTER_ID)));
            return Contexts.interceptCall(ctx, call, headers, next);
        }
    }
}
