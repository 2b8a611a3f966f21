package dev.nodeipam.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A document as read, reduced to a digest that is equal exactly when the documents are ({@link
 * JsonNode#equals}: a mapping's keys in any order, a list's items in order, a number of the same
 * type and value). A load keeps this for each object instead of the object as read, so that what
 * tells an identical duplicate from a differing one is not the whole tree of every file held
 * until the load ends (on large trees, most of the heap).
 */
final class ContentDigest {
  private ContentDigest() {}

  /** The digest of a document. */
  static Digest of(JsonNode node) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    // Buffered: a digest update per scalar costs more than the bytes it adds.
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        new DigestOutputStream(OutputStream.nullOutputStream(), sha), 8192))) {
      feed(out, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // no input or output is done: cannot happen
    }
    return new Digest(sha.digest());
  }

  /** The bytes of a digest, compared by value. */
  record Digest(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Digest[" + bytes.length + " bytes]";
    }
  }

  private static void feed(DataOutputStream out, JsonNode node) throws IOException {
    // Each node is its type and, for a container, its size first: no two different trees feed
    // the same bytes (a text holding the framing of another is still told apart by its length).
    out.writeByte(node.getNodeType().ordinal());
    if (node.isNumber()) {
      out.writeByte(node.numberType().ordinal()); // an int 1 is not a long 1 to JsonNode.equals
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>(node.size());
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      out.writeInt(names.size());
      for (String name : names) {
        text(out, name);
        feed(out, node.get(name));
      }
    } else if (node.isArray()) {
      out.writeInt(node.size());
      for (Iterator<JsonNode> items = node.elements(); items.hasNext(); ) {
        feed(out, items.next());
      }
    } else if (node.isBigDecimal()) {
      // DecimalNode is equal by value: 1.0 and 1.00 are the same number.
      text(out, node.decimalValue().stripTrailingZeros().toString());
    } else {
      text(out, node.asText());
    }
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }
}
