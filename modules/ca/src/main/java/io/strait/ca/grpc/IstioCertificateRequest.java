package io.strait.ca.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Istio's {@code istio.v1.auth.IstioCertificateRequest} (istio/api {@code security/v1alpha1/ca.proto}), wire-compatible:
 * {@code string csr = 1; int64 validity_duration = 3; google.protobuf.Struct metadata = 4;}. Unknown fields are skipped,
 * as protobuf requires.
 *
 * @param csr              PEM-encoded PKCS#10 request
 * @param validityDuration requested lifetime in seconds; 0 for the CA's default
 * @param metadata         Istio's free-form metadata (e.g. {@code ImpersonatedIdentity}); never trusted for identity
 */
public record IstioCertificateRequest(String csr, long validityDuration, Struct metadata) {
    static final int CSR = 1;
    static final int VALIDITY_DURATION = 3;
    static final int METADATA = 4;

    public IstioCertificateRequest {
        csr = csr == null ? "" : csr;
        metadata = metadata == null ? Struct.getDefaultInstance() : metadata;
    }

    /** Protobuf encoding. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            if (!csr.isEmpty()) {
                out.writeString(CSR, csr);
            }
            if (validityDuration != 0) {
                out.writeInt64(VALIDITY_DURATION, validityDuration);
            }
            if (!metadata.equals(Struct.getDefaultInstance())) {
                out.writeMessage(METADATA, metadata);
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a request; a malformed message is an {@link IOException} saying so. */
    public static IstioCertificateRequest parse(CodedInputStream in) throws IOException {
        String csr = "";
        long validity = 0;
        Struct metadata = Struct.getDefaultInstance();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return new IstioCertificateRequest(csr, validity, metadata);
            }
            int field = WireFormat.getTagFieldNumber(tag);
            int type = WireFormat.getTagWireType(tag);
            if (field == CSR && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                csr = in.readStringRequireUtf8();
            } else if (field == VALIDITY_DURATION && type == WireFormat.WIRETYPE_VARINT) {
                validity = in.readInt64();
            } else if (field == METADATA && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                metadata = in.readMessage(Struct.parser(), com.google.protobuf.ExtensionRegistryLite.getEmptyRegistry());
            } else if (!in.skipField(tag)) {
                return new IstioCertificateRequest(csr, validity, metadata);
            }
        }
    }
}
