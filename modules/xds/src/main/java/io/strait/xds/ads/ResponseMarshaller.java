package io.strait.xds.ads;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes an {@link OutboundResponse} to gRPC as it is: the shared body, then the nonce tail. Nothing is parsed or
 * re-serialized per stream. Server side only: a front never reads a response.
 */
final class ResponseMarshaller implements MethodDescriptor.Marshaller<OutboundResponse> {
    static final ResponseMarshaller INSTANCE = new ResponseMarshaller();

    @Override
    public InputStream stream(OutboundResponse value) {
        return new Bytes(value);
    }

    @Override
    public OutboundResponse parse(InputStream stream) {
        throw new UnsupportedOperationException("a front sends discovery responses; it never parses one");
    }

    /** The response's bytes, of known length, drained straight into gRPC's buffer. */
    private static final class Bytes extends InputStream implements KnownLength, Drainable {
        private InputStream current;
        private final OutboundResponse value;
        private int left;
        private boolean drained;

        Bytes(OutboundResponse value) {
            this.value = value;
            this.left = value.size();
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (drained || current != null) {
                throw new IllegalStateException("already read");
            }
            drained = true;
            int n = left;
            // ByteString.writeTo(OutputStream) hands the stream a copy of the body (megabytes for an initial sync, per
            // stream); through a CodedOutputStream the shared array goes to gRPC's buffer as it is, copied once there
            CodedOutputStream out = CodedOutputStream.newInstance(target, 256);
            out.writeRawBytes(value.prepared().body());
            out.writeRawBytes(value.tail());
            out.flush();
            left = 0;
            return n;
        }

        private InputStream stream() {
            if (current == null) {
                current = new java.io.SequenceInputStream(value.prepared().body().newInput(),
                        new java.io.ByteArrayInputStream(value.tail()));
            }
            return current;
        }

        @Override
        public int read() throws IOException {
            if (drained) {
                return -1;
            }
            int b = stream().read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (drained) {
                return -1;
            }
            int n = stream().read(b, off, len);
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public int available() {
            return left;
        }
    }
}
