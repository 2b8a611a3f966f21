package dev.nodeipam.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Where every part of every document of one YAML or JSON file starts, from the parser's token
 * locations: for a member of an object, its key; for an element of a list, the element. Paths are
 * written as the policy model writes origins: {@code spec.egress[0].toPorts[1]}. Documents are
 * known by the line their top-level object starts on, which is the line of an object's {@code
 * source} ({@code file:line}).
 */
public final class YamlPositions {
  /** A position: line and column from 1. */
  public record Position(int line, int column) {}

  private final Map<Integer, Map<String, Position>> documents = new HashMap<>();

  private YamlPositions() {}

  /** Reads the positions of a file's text; a file that does not parse has none past the error. */
  public static YamlPositions of(String text, boolean json) {
    YamlPositions out = new YamlPositions();
    JsonFactory factory = json ? new JsonFactory() : YAMLFactory.builder()
        .loaderOptions(largeDocuments()).build();
    try (JsonParser p = factory.createParser(text)) {
      out.read(p);
    } catch (IOException | RuntimeException e) {
      // The loader has reported the file's problem already; keep what was read before it.
    }
    return out;
  }

  private static LoaderOptions largeDocuments() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    return options;
  }

  /** One open object or list, and the path and next index inside it. */
  private static final class Frame {
    final String path;
    final boolean list;
    int index;
    String field;

    Frame(String path, boolean list) {
      this.path = path;
      this.list = list;
    }

    String child() {
      String name = list ? "[" + index + "]" : (path.isEmpty() ? "" : ".") + field;
      return path + name;
    }
  }

  private void read(JsonParser p) throws IOException {
    Deque<Frame> stack = new ArrayDeque<>();
    Map<String, Position> doc = null;
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      JsonLocation at = p.currentTokenLocation();
      Position here = new Position(at.getLineNr(), at.getColumnNr());
      if (stack.isEmpty()) {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          doc = new HashMap<>();
          doc.put("", here);
          documents.putIfAbsent(here.line(), doc);
          stack.push(new Frame("", t == JsonToken.START_ARRAY));
        }
        continue;
      }
      Frame top = stack.peek();
      if (t == JsonToken.FIELD_NAME) {
        top.field = p.currentName();
        doc.putIfAbsent(top.child(), here);
        continue;
      }
      if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        stack.pop();
        if (!stack.isEmpty() && stack.peek().list) {
          stack.peek().index++;
        }
        continue;
      }
      String path = top.child();
      if (top.list) {
        doc.putIfAbsent(path, here);
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        stack.push(new Frame(path, t == JsonToken.START_ARRAY));
      } else if (top.list) {
        top.index++;
      }
    }
  }

  /**
   * The position of {@code path} in the document starting on {@code line}, or of the closest
   * enclosing part the file has; null when no document starts on that line.
   */
  public Position find(int line, String path) {
    Map<String, Position> doc = documents.get(line);
    if (doc == null) {
      return null;
    }
    String p = path == null ? "" : path;
    while (true) {
      Position found = doc.get(p);
      if (found != null) {
        return found;
      }
      if (p.isEmpty()) {
        return null;
      }
      p = parent(p);
    }
  }

  static String parent(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut <= 0 ? "" : path.substring(0, cut);
  }
}
