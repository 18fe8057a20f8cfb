package io.strait.ca.grpc;

import com.google.protobuf.CodedInputStream;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The gRPC method of Istio's CA, {@code istio.v1.auth.IstioCertificateService/CreateCertificate}, described by hand
 * (no protoc here) with marshallers over protobuf's coded streams. Clients — {@code strait agent}, istio-agent —
 * and the server share it.
 */
public final class IstioCertificateServiceDescriptor {
    /** Istio's service name; kept for compatibility, as Istio keeps it. */
    public static final String SERVICE = "istio.v1.auth.IstioCertificateService";

    /** The one method: unary CreateCertificate. */
    public static final MethodDescriptor<IstioCertificateRequest, IstioCertificateResponse> CREATE_CERTIFICATE =
            MethodDescriptor.<IstioCertificateRequest, IstioCertificateResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "CreateCertificate"))
                    .setRequestMarshaller(new Marshaller<>(IstioCertificateRequest::toBytes, IstioCertificateRequest::parse))
                    .setResponseMarshaller(new Marshaller<>(IstioCertificateResponse::toBytes, IstioCertificateResponse::parse))
                    .setSafe(false)
                    .setIdempotent(false)
                    .build();

    private IstioCertificateServiceDescriptor() {
    }

    private interface Parser<T> {
        T parse(CodedInputStream in) throws IOException;
    }

    private static final class Marshaller<T> implements MethodDescriptor.Marshaller<T> {
        private final java.util.function.Function<T, byte[]> writer;
        private final Parser<T> parser;

        Marshaller(java.util.function.Function<T, byte[]> writer, Parser<T> parser) {
            this.writer = writer;
            this.parser = parser;
        }

        @Override
        public InputStream stream(T value) {
            return new ByteArrayInputStream(writer.apply(value));
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return parser.parse(CodedInputStream.newInstance(stream));
            } catch (IOException | RuntimeException e) {
                // gRPC turns this into the call's status; the caller learns its message was not protobuf
                throw Status.INVALID_ARGUMENT.withDescription("malformed IstioCertificateRequest/Response: " + e.getMessage()).asRuntimeException();
            }
        }
    }
}
