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
 * certificate, the join token as {@code authorization: Bearer <token>}. For renewal, open the channel with the current
 * certificate as client certificate and pass no token.
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
        Channel ch = channel;
        if (bearerToken != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + bearerToken);
            ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        IstioCertificateRequest request = new IstioCertificateRequest(csrPem, ttl.toSeconds(), Struct.getDefaultInstance());
        return ClientCalls.blockingUnaryCall(ch, IstioCertificateServiceDescriptor.CREATE_CERTIFICATE,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request).certChain();
    }
}
