package io.strait.bus.wire;

import com.google.protobuf.Any;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Content addresses of resources: SHA-256 over the deterministic serialization of the resource as a
 * {@code google.protobuf.Any}. Every translator and front computes the same value for the same content, which is
 * what makes a hash usable as the xDS version on any front.
 */
public final class ContentHash {
    private ContentHash() {
    }

    /** The resource packed as Any and serialized deterministically (map fields in key order). */
    public static byte[] serialize(Message resource) {
        Any any = Any.pack(resource);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(any.getSerializedSize());
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            any.writeTo(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String of(byte[] serialized) {
        return hex(sha256().digest(serialized), 16);
    }

    /** A version for a list of strings (e.g. the name=hash pairs of one type): order matters. */
    public static String ofStrings(List<String> parts) {
        MessageDigest d = sha256();
        for (String p : parts) {
            d.update(p.getBytes(StandardCharsets.UTF_8));
            d.update((byte) '\n');
        }
        return hex(d.digest(), 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] digest, int bytes) {
        return HexFormat.of().formatHex(digest, 0, bytes);
    }
}
