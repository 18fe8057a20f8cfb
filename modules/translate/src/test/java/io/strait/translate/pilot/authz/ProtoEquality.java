package io.strait.translate.pilot.authz;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf equality as Envoy reads a config: maps compare as maps (whatever their order), lists in order, and
 * {@code Any} payloads by their messages rather than their bytes — a packed message's bytes depend on its maps'
 * order, so two equal RBAC filters can pack differently.
 */
final class ProtoEquality {
    private final JsonFormat.TypeRegistry types;

    ProtoEquality(JsonFormat.TypeRegistry types) {
        this.types = types;
    }

    /** The first difference, as a field path; null when the messages are equal. */
    String difference(Message a, Message b, String path) {
        if (!a.getDescriptorForType().getFullName().equals(b.getDescriptorForType().getFullName())) {
            return path + ": " + a.getDescriptorForType().getFullName() + " vs " + b.getDescriptorForType().getFullName();
        }
        if (a.getDescriptorForType().getFullName().equals(Any.getDescriptor().getFullName())) {
            Message ua = unpack(a);
            Message ub = unpack(b);
            if (ua == null || ub == null) {
                return a.equals(b) ? null : path + ": Any differs";
            }
            return difference(ua, ub, path + "<" + ua.getDescriptorForType().getName() + ">");
        }
        for (FieldDescriptor f : a.getDescriptorForType().getFields()) {
            String p = path + "." + f.getJsonName();
            if (f.isMapField()) {
                Map<Object, Message> ma = entries(a, f);
                Map<Object, Message> mb = entries(b, f);
                if (!ma.keySet().equals(mb.keySet())) {
                    return p + ": keys " + ma.keySet() + " vs " + mb.keySet();
                }
                for (Object k : ma.keySet()) {
                    String d = value(ma.get(k), mb.get(k), p + "[" + k + "]");
                    if (d != null) {
                        return d;
                    }
                }
            } else if (f.isRepeated()) {
                int n = a.getRepeatedFieldCount(f);
                if (n != b.getRepeatedFieldCount(f)) {
                    return p + ": " + n + " vs " + b.getRepeatedFieldCount(f) + " elements";
                }
                for (int i = 0; i < n; i++) {
                    String d = field(f, a.getRepeatedField(f, i), b.getRepeatedField(f, i), p + "[" + i + "]");
                    if (d != null) {
                        return d;
                    }
                }
            } else if (f.getType() == FieldDescriptor.Type.MESSAGE && a.hasField(f) != b.hasField(f)) {
                return p + ": set on one side only";
            } else if (f.getType() != FieldDescriptor.Type.MESSAGE || a.hasField(f)) {
                String d = field(f, a.getField(f), b.getField(f), p);
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }

    private String field(FieldDescriptor f, Object a, Object b, String path) {
        if (f.getType() == FieldDescriptor.Type.MESSAGE) {
            return difference((Message) a, (Message) b, path);
        }
        return a.equals(b) ? null : path + ": " + a + " vs " + b;
    }

    private String value(Message entryA, Message entryB, String path) {
        FieldDescriptor v = entryA.getDescriptorForType().findFieldByName("value");
        return field(v, entryA.getField(v), entryB.getField(v), path);
    }

    private static Map<Object, Message> entries(Message m, FieldDescriptor f) {
        Map<Object, Message> out = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) m.getField(f);
        for (Object e : list) {
            Message entry = (Message) e;
            FieldDescriptor k = entry.getDescriptorForType().findFieldByName("key");
            out.put(entry.getField(k), entry);
        }
        return out;
    }

    private Message unpack(Message any) {
        Any a = any instanceof Any ? (Any) any : Any.newBuilder().mergeFrom(any).build();
        String url = a.getTypeUrl();
        Descriptor d = types.find(url.substring(url.lastIndexOf('/') + 1));
        if (d == null) {
            return null;
        }
        try {
            return DynamicMessage.parseFrom(d, a.getValue());
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

}
