package io.strait.ca.grpc;

import com.google.protobuf.CodedInputStream;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code strait.ca.v1.TrustBundleService/Watch}, described by hand like {@link IstioCertificateServiceDescriptor}:
 * a server stream that sends the mesh's current roots at once and again on every change. The request is empty
 * (its bytes are ignored, so fields can be added later). A stream rather than a polled unary call: a rotated root
 * reaches every agent as soon as the CA reloads it, with one idle HTTP/2 stream per agent and no polling interval
 * to tune.
 */
public final class TrustBundleServiceDescriptor {
    /** The service name. */
    public static final String SERVICE = "strait.ca.v1.TrustBundleService";

    /** Server-streaming Watch: empty request, a {@link TrustRoots} now and on every change. */
    public static final MethodDescriptor<byte[], TrustRoots> WATCH = MethodDescriptor.<byte[], TrustRoots>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Watch"))
            .setRequestMarshaller(new IgnoredRequest())
            .setResponseMarshaller(new RootsMarshaller())
            .setSafe(true)
            .setIdempotent(true)
            .build();

    private TrustBundleServiceDescriptor() {
    }

    /** The empty request: nothing on the wire, and whatever a newer client sends is read and dropped. */
    private static final class IgnoredRequest implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value == null ? new byte[0] : value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                stream.readAllBytes();
                return new byte[0];
            } catch (IOException e) {
                throw Status.INVALID_ARGUMENT.withDescription("unreadable trust bundle request").asRuntimeException();
            }
        }
    }

    private static final class RootsMarshaller implements MethodDescriptor.Marshaller<TrustRoots> {
        @Override
        public InputStream stream(TrustRoots value) {
            return new ByteArrayInputStream(value.toBytes());
        }

        @Override
        public TrustRoots parse(InputStream stream) {
            try {
                return TrustRoots.parse(CodedInputStream.newInstance(stream));
            } catch (IOException | RuntimeException e) {
                throw Status.INTERNAL.withDescription("malformed TrustRoots: " + e.getMessage()).asRuntimeException();
            }
        }
    }
}
