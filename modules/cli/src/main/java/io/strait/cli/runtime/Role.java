package io.strait.cli.runtime;

/** The roles one Strait process can run; {@code strait up} runs them all. */
public enum Role {
    INGEST, TRANSLATE, XDS, CA;

    public static Role parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role \"" + s + "\"; use ingest, translate, xds or ca");
        }
    }
}
