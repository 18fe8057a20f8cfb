package io.strait.ca.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of {@code strait.ca.v1.TrustBundleService/Watch}: {@code repeated string root_certs = 1;}, every root
 * the mesh trusts now, one PEM certificate per element (several while a root is rotated with an overlap).
 *
 * @param rootCerts PEM certificates
 */
public record TrustRoots(List<String> rootCerts) {
    static final int ROOT_CERTS = 1;

    public TrustRoots {
        rootCerts = List.copyOf(rootCerts);
    }

    /** Protobuf encoding. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            for (String pem : rootCerts) {
                out.writeString(ROOT_CERTS, pem);
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a message; unknown fields are skipped, so the message can grow. */
    public static TrustRoots parse(CodedInputStream in) throws IOException {
        List<String> roots = new ArrayList<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return new TrustRoots(roots);
            }
            if (WireFormat.getTagFieldNumber(tag) == ROOT_CERTS && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                roots.add(in.readStringRequireUtf8());
            } else if (!in.skipField(tag)) {
                return new TrustRoots(roots);
            }
        }
    }
}
