package io.strait.model.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML text into {@link YamlDocument}s. SnakeYAML's node graph is used rather than Jackson's YAML
 * parser because it keeps a mark on every node, which is what lets a validation error name the line of
 * the exact field at fault.
 */
public final class YamlReader {
    private static final int MAX_DEPTH = 64;
    private static final int MAX_CODE_POINTS = 16 * 1024 * 1024;
    /** Aliases can make a small file expand exponentially ("billion laughs"); no real config has this many nodes. */
    private static final int MAX_NODES = 200_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private YamlReader() {
    }

    /** Parses every document of {@code text}; empty documents are skipped. */
    public static List<YamlDocument> read(String file, String text) throws YamlSyntaxError {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(32);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        Yaml yaml = new Yaml(options);
        List<YamlDocument> out = new ArrayList<>();
        int index = 0;
        try {
            for (Node root : yaml.composeAll(new StringReader(text))) {
                if (root == null) {
                    continue;
                }
                Map<String, Position> positions = new HashMap<>();
                JsonNode tree = convert(file, text, root, "", positions, 0, new int[1]);
                if (!tree.isNull()) {
                    out.add(new YamlDocument(file, index, position(root.getStartMark()), tree, Map.copyOf(positions)));
                }
                index++;
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new YamlSyntaxError(file, mark == null ? Position.UNKNOWN : position(mark), "YAML syntax error: " + firstLine(problem));
        } catch (YAMLException | StackOverflowError e) {
            throw new YamlSyntaxError(file, Position.UNKNOWN, "YAML syntax error: " + firstLine(String.valueOf(e.getMessage())));
        }
        return out;
    }

    private static JsonNode convert(String file, String text, Node node, String path, Map<String, Position> positions,
                                    int depth, int[] count) throws YamlSyntaxError {
        if (++count[0] > MAX_NODES) {
            throw new YamlSyntaxError(file, position(node.getStartMark()), "document expands to more than " + MAX_NODES
                    + " values (nested aliases?); split it or remove the aliases");
        }
        if (depth > MAX_DEPTH) {
            throw new YamlSyntaxError(file, position(node.getStartMark()), "document nested deeper than " + MAX_DEPTH + " levels");
        }
        positions.putIfAbsent(path, position(node.getStartMark()));
        String glued = colonGluedScalar(node, text);
        if (glued != null) {
            return NODES.textNode(glued);
        }
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    throw new YamlSyntaxError(file, position(tuple.getKeyNode().getStartMark()), "mapping keys must be plain strings");
                }
                String key = keyNode.getValue();
                String childPath = path.isEmpty() ? key : path + "." + key;
                if (object.has(key)) {
                    throw new YamlSyntaxError(file, position(keyNode.getStartMark()), "duplicate key \"" + key + "\" at " + childPath);
                }
                positions.put(childPath, position(keyNode.getStartMark()));
                object.set(key, convert(file, text, tuple.getValueNode(), childPath, positions, depth + 1, count));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(file, text, item, path + "[" + i++ + "]", positions, depth + 1, count));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    /**
     * YAML 1.1 (SnakeYAML) reads {@code [1.2.3.4, 001:db8::]} as a list holding a one-entry mapping, where the YAML
     * 1.2 parser Kubernetes uses reads the plain scalar {@code "001:db8::"}. A one-entry mapping whose value starts
     * right after the colon, with no space, is such a scalar: return its source text.
     */
    private static String colonGluedScalar(Node node, String text) {
        if (!(node instanceof MappingNode m) || m.getValue().size() != 1) {
            return null;
        }
        NodeTuple t = m.getValue().get(0);
        if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)
                || k.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN
                || v.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) {
            return null;
        }
        int keyEnd = k.getEndMark().getIndex();
        int valueStart = v.getStartMark().getIndex();
        int end = v.getEndMark().getIndex();
        if (keyEnd >= text.length() || text.charAt(keyEnd) != ':') {
            return null;
        }
        if (v.getValue().isEmpty()) {
            // "001:db8::" ends in a colon that a flow indicator follows: the scanner took that colon as the indicator
            boolean flowEnd = keyEnd + 1 < text.length() && ",]}".indexOf(text.charAt(keyEnd + 1)) >= 0;
            return flowEnd ? text.substring(k.getStartMark().getIndex(), keyEnd + 1) : null;
        }
        return valueStart == keyEnd + 1 && end <= text.length() ? text.substring(k.getStartMark().getIndex(), end) : null;
    }

    private static JsonNode scalar(ScalarNode node) {
        String value = node.getValue();
        Tag tag = node.getTag();
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            String v = value.toLowerCase(Locale.ROOT);
            return NODES.booleanNode(v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y"));
        }
        if (Tag.INT.equals(tag)) {
            try {
                return NODES.numberNode(Long.parseLong(value.replace("_", "")));
            } catch (NumberFormatException e) {
                try {
                    return NODES.numberNode(new BigInteger(value.replace("_", "")));
                } catch (NumberFormatException e2) {
                    return NODES.textNode(value);
                }
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return NODES.numberNode(Double.parseDouble(value.replace("_", "")));
            } catch (NumberFormatException e) {
                return NODES.textNode(value);
            }
        }
        return NODES.textNode(value);
    }

    private static Position position(Mark mark) {
        return mark == null ? Position.UNKNOWN : new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
