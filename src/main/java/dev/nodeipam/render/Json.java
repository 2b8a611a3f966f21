package dev.nodeipam.render;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * JSON and YAML writers for reports and manifests. YAML keeps quotes on strings that look like
 * numbers: Cilium ports are strings, and {@code "80"} must not come back as {@code 80}.
 */
public final class Json {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private Json() {}

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  public static String yaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render YAML", e);
    }
  }

  /** Several objects as one multi-document YAML stream, ready for {@code kubectl apply -f -}. */
  public static String yamlDocuments(Iterable<?> values) {
    StringBuilder out = new StringBuilder();
    for (Object value : values) {
      out.append("---\n").append(yaml(value));
    }
    return out.toString();
  }

  /** Writes JSON straight to {@code out}: a plan of a large cluster is hundreds of megabytes. */
  public static void writeJson(Object value, Writer out) {
    try {
      JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .writeValue(out, value);
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON", e);
    }
  }

  /** Writes YAML straight to {@code out}. */
  public static void writeYaml(Object value, Writer out) {
    try {
      YAML.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .writeValue(out, value);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write YAML", e);
    }
  }
}
