package io.strait.model.yaml;

/** A YAML file that cannot be read as YAML at all; carries where and why. */
public final class YamlSyntaxError extends Exception {
    private final String file;
    private final Position position;

    public YamlSyntaxError(String file, Position position, String message) {
        super(message);
        this.file = file;
        this.position = position;
    }

    public String file() {
        return file;
    }

    public Position position() {
        return position;
    }
}
