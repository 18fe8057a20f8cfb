package io.strait.model.istio;

/** The identity of a config resource; its string form {@code Kind/namespace/name} is the config topic key. */
public record ResourceKey(String kind, String namespace, String name) implements Comparable<ResourceKey> {

    public static ResourceKey parse(String s) {
        String[] parts = s.split("/", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a resource key (Kind/namespace/name): " + s);
        }
        return new ResourceKey(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return kind + "/" + namespace + "/" + name;
    }

    /**
     * The order of the string forms (the topic's keys, and every sorted map of a revision, follow it), compared field
     * by field without building them: keys are compared in every sorted map of every revision.
     */
    @Override
    public int compareTo(ResourceKey o) {
        if (kind == null || namespace == null || name == null || o.kind == null || o.namespace == null || o.name == null) {
            return toString().compareTo(o.toString()); // "null" in the string form, as before
        }
        int c = joinedPart(kind, o.kind);
        if (c == SAME) {
            c = joinedPart(namespace, o.namespace);
        }
        if (c == SAME) {
            return name.compareTo(o.name);
        }
        return c == FALL_BACK ? toString().compareTo(o.toString()) : c;
    }

    private static final int SAME = Integer.MIN_VALUE;
    private static final int FALL_BACK = Integer.MIN_VALUE + 1;

    /**
     * How two fields compare as parts of their joined forms, where each is followed by {@code '/'}: {@link #SAME}
     * when equal; where one is a prefix of the other, the shorter's {@code '/'} against the longer's next character
     * ({@link #FALL_BACK} if that is a {@code '/'} too, which only a field holding a slash can bring about).
     */
    private static int joinedPart(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return x - y;
            }
        }
        if (a.length() == b.length()) {
            return SAME;
        }
        char next = a.length() > n ? a.charAt(n) : b.charAt(n);
        if (next == '/') {
            return FALL_BACK;
        }
        return a.length() > n ? next - '/' : '/' - next;
    }
}
