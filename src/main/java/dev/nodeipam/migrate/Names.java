package dev.nodeipam.migrate;

import dev.nodeipam.labels.LabelSyntax;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** Valid names for what the plan creates: Service names and node label keys. */
final class Names {
  static final String LABEL_PREFIX = "nodeipam.dev/";
  private static final int MAX_LABEL_NAME = 63;
  private static final int MAX_SERVICE_NAME = 63;

  private Names() {}

  /**
   * A DNS-1035 label for a new Service, {@code base-suffix}, not in {@code taken}; a base too long
   * is cut and given a short hash so that two long names stay distinct.
   */
  static String serviceName(String base, String suffix, Set<String> taken) {
    for (int n = 1; ; n++) {
      String tail = "-" + suffix + (n == 1 ? "" : "-" + n);
      String name = fit(base, tail, MAX_SERVICE_NAME);
      if (!taken.contains(name)) {
        return name;
      }
    }
  }

  /**
   * The label key {@code nodeipam.dev/<namespace>.<service>}; its name part holds at most 63
   * characters, so long names are cut and given a short hash.
   */
  static String labelKey(String namespace, String service, int attempt) {
    String tail = attempt == 1 ? "" : "-" + attempt;
    String key = LABEL_PREFIX + fit(namespace + "." + service, tail, MAX_LABEL_NAME);
    String error = LabelSyntax.keyError(key);
    if (error != null) {
      throw new IllegalStateException("generated label key " + key + " is invalid: " + error);
    }
    return key;
  }

  private static String fit(String base, String tail, int max) {
    if (base.length() + tail.length() <= max) {
      return base + tail;
    }
    String hash = "-" + shortHash(base);
    String cut = base.substring(0, max - tail.length() - hash.length());
    while (!cut.isEmpty() && !Character.isLetterOrDigit(cut.charAt(cut.length() - 1))) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + hash + tail;
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
