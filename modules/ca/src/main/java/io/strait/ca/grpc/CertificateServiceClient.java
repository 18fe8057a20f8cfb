package io.strait.ca.grpc;

import com.google.protobuf.Struct;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client of Istio's CSR API, as istio-agent calls it: the CSR, the requested TTL in seconds and, for a first
 * certificate, the join token or Kubernetes service-account token as {@code authorization: Bearer <token>}, and the
 * caller's cluster as {@code clusterid} metadata. For renewal, open the channel with the current certificate as client
 * certificate and pass no token.
 */
public final class CertificateServiceClient {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Channel channel;
    private final Duration deadline;

    public CertificateServiceClient(Channel channel, Duration deadline) {
        this.channel = channel;
        this.deadline = deadline;
    }

    /**
     * Asks for a certificate.
     *
     * @param bearerToken a join token, or null to rely on the channel's client certificate
     * @return the PEM chain, leaf first
     * @throws io.grpc.StatusRuntimeException with the CA's reason when it refuses
     */
    public List<String> createCertificate(String csrPem, Duration ttl, String bearerToken) {
        return createCertificate(csrPem, ttl, bearerToken, null);
    }

    /**
     * Asks for a certificate, naming the caller's cluster as Istio's agent does.
     *
     * @param bearerToken a join token or a service-account token, or null to rely on the channel's client certificate
     * @param clusterId   the caller's cluster ({@code clusterid} metadata), or null for none
     * @return the PEM chain, leaf first
     * @throws io.grpc.StatusRuntimeException with the CA's reason when it refuses
     */
    public List<String> createCertificate(String csrPem, Duration ttl, String bearerToken, String clusterId) {
        Channel ch = channel;
        Metadata headers = new Metadata();
        if (bearerToken != null) {
            headers.put(AUTHORIZATION, "Bearer " + bearerToken);
        }
        if (clusterId != null && !clusterId.isBlank()) {
            headers.put(CertificateService.CLUSTER_ID, clusterId);
        }
        if (headers.keys().size() > 0) {
            ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        IstioCertificateRequest request = new IstioCertificateRequest(csrPem, ttl.toSeconds(), Struct.getDefaultInstance());
        return ClientCalls.blockingUnaryCall(ch, IstioCertificateServiceDescriptor.CREATE_CERTIFICATE,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request).certChain();
    }
}
