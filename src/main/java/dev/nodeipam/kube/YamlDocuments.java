package dev.nodeipam.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The documents of a YAML stream as Kubernetes reads them: sigs.k8s.io/yaml decodes YAML with its
 * go-yaml fork into JSON, so anchors and aliases stand anywhere (an alias to a mapping included),
 * merge keys ({@code <<: *base}, {@code <<: [*a, *b]}) copy the merged mappings' keys that the
 * mapping does not set itself (the YAML 1.1 merge type, yaml.org/type/merge.html; in a list the
 * earlier mapping wins), and plain scalars resolve as YAML 1.1 resolves them ({@code yes} is a
 * boolean). A key twice in one mapping is refused as its strict decoding refuses it; a merged key
 * that the mapping sets explicitly is no duplicate. Built from SnakeYAML's node tree, so every
 * problem has its line.
 */
final class YamlDocuments {
  /** Nodes an alias may expand to, per character of input, before it is taken for an alias bomb. */
  private static final int EXPANSION_PER_CHAR = 64;

  /** A document: the line its top-level node starts on (from 1) and its JSON form. */
  record Document(int line, JsonNode node) {}

  /** A problem that ends the file: the line it is on (0 when unknown) and one plain sentence. */
  static final class Malformed extends RuntimeException {
    private final int line;

    Malformed(int line, String message) {
      super(message, null, false, false);
      this.line = line;
    }

    int line() {
      return line;
    }
  }

  private final JsonNodeFactory json = JsonNodeFactory.instance;
  private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private final long budget;
  private long expanded;

  private YamlDocuments(int length) {
    this.budget = Math.max(100_000L, (long) length * EXPANSION_PER_CHAR);
  }

  /** Every document of {@code text}; empty documents are left out. */
  static List<Document> read(String text) {
    LoaderOptions options = new LoaderOptions();
    // kubectl get -o yaml of a large cluster is one List document of many megabytes.
    options.setCodePointLimit(Integer.MAX_VALUE);
    options.setMaxAliasesForCollections(Integer.MAX_VALUE); // the expansion budget guards instead
    YamlDocuments reader = new YamlDocuments(text.length());
    List<Document> out = new ArrayList<>();
    try {
      for (Node node : new Yaml(options).composeAll(new StringReader(text))) {
        JsonNode value = reader.value(node);
        if (!value.isNull()) {
          out.add(new Document(line(node), value));
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String message = (e.getContext() == null ? "" : e.getContext() + "\n")
          + (e.getProblem() == null ? "" : e.getProblem());
      // The end of the stream is past the last line: the problem is on the last line.
      int line = mark == null ? 0 : (int) Math.min(mark.getLine() + 1, text.lines().count());
      throw new Malformed(line, ParserMessages.problem(message));
    } catch (YAMLException e) {
      throw new Malformed(0, ParserMessages.problem(e.getMessage()));
    }
    return out;
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private JsonNode value(Node node) {
    if (++expanded > budget) {
      throw new Malformed(line(node), "aliases expand to more than " + budget + " values");
    }
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (!open.add(node)) {
      throw new Malformed(line(node), "an alias refers to the node that holds it");
    }
    try {
      return node instanceof MappingNode m ? mapping(m) : sequence((SequenceNode) node);
    } finally {
      open.remove(node);
    }
  }

  private ArrayNode sequence(SequenceNode node) {
    ArrayNode out = json.arrayNode();
    node.getValue().forEach(item -> out.add(value(item)));
    return out;
  }

  /** Explicit keys first, then what the merge keys bring that the mapping does not set. */
  private ObjectNode mapping(MappingNode node) {
    ObjectNode out = json.objectNode();
    Map<String, Integer> keyLines = new HashMap<>();
    List<Node> merges = new ArrayList<>();
    for (NodeTuple tuple : node.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar)) {
        throw new Malformed(line(key), "a " + kind(key) + " as a mapping key");
      }
      String name = scalar.getTag().equals(Tag.MERGE) ? "<<" : scalar.getValue();
      Integer first = keyLines.putIfAbsent(name, line(key));
      if (first != null) {
        throw new Malformed(line(key), "duplicate key '" + name + "' (first at line " + first
            + ")");
      }
      if (scalar.getTag().equals(Tag.MERGE)) {
        merges.add(tuple.getValueNode());
      } else {
        out.set(name, value(tuple.getValueNode()));
      }
    }
    for (Node merge : merges) {
      for (Node source : mergeSources(merge)) {
        ((ObjectNode) value(source)).properties().forEach(e -> {
          if (!out.has(e.getKey())) {
            out.set(e.getKey(), e.getValue());
          }
        });
      }
    }
    return out;
  }

  /** A merge key's mappings, earliest first (the earlier wins); anything else is refused. */
  private List<Node> mergeSources(Node merge) {
    List<Node> sources = merge instanceof SequenceNode list ? list.getValue() : List.of(merge);
    for (Node source : sources) {
      if (!(source instanceof MappingNode)) {
        throw new Malformed(line(source), "a merge key (<<) takes a mapping or a list of"
            + " mappings, found a " + kind(source));
      }
    }
    return sources;
  }

  private static String kind(Node node) {
    return node instanceof MappingNode ? "mapping" : node instanceof SequenceNode ? "list"
        : "scalar";
  }

  /** A scalar as YAML 1.1 resolves it; an explicit or unknown tag keeps the text. */
  private JsonNode scalar(ScalarNode node) {
    String text = node.getValue();
    Tag tag = node.getTag();
    if (tag.equals(Tag.NULL)) {
      return json.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      String lower = text.toLowerCase();
      return json.booleanNode(lower.equals("true") || lower.equals("yes") || lower.equals("on"));
    }
    if (tag.equals(Tag.INT)) {
      BigInteger number = integer(text);
      if (number != null) {
        // As Jackson reads the same number from JSON, so a YAML and a JSON copy compare equal.
        return number.bitLength() < 32 ? json.numberNode(number.intValue())
            : number.bitLength() < 64 ? json.numberNode(number.longValue())
            : json.numberNode(number);
      }
    } else if (tag.equals(Tag.FLOAT)) {
      try {
        return json.numberNode(Double.parseDouble(text.replace("_", "")));
      } catch (NumberFormatException e) {
        return json.textNode(text); // .inf, .nan, 1:30.5: JSON has no such number
      }
    }
    return json.textNode(text);
  }

  /** YAML 1.1 integers: decimal, 0x hexadecimal, 0b binary, 0 octal, underscores; else null. */
  private static BigInteger integer(String text) {
    String s = text.replace("_", "");
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    try {
      BigInteger value = s.startsWith("0x") ? new BigInteger(s.substring(2), 16)
          : s.startsWith("0b") ? new BigInteger(s.substring(2), 2)
          : s.length() > 1 && s.startsWith("0") ? new BigInteger(s.substring(1), 8)
          : new BigInteger(s);
      return negative ? value.negate() : value;
    } catch (NumberFormatException e) {
      return null; // sexagesimal (1:30): kept as text
    }
  }
}
