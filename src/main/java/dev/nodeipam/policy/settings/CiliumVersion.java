package dev.nodeipam.policy.settings;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cilium release, {@code X.Y[.Z]}: the behaviours that differ between releases are asked of it,
 * never of a guess at the newest.
 *
 * @param patch -1 when only {@code X.Y} is known
 */
public record CiliumVersion(int major, int minor, int patch) implements Comparable<CiliumVersion> {
  /** The newest release the engine models: the default when neither flag nor input says. */
  public static final CiliumVersion NEWEST = new CiliumVersion(1, 20, -1);

  /** The oldest release whose behaviour is modelled; older ones are read as this one. */
  public static final CiliumVersion OLDEST = new CiliumVersion(1, 14, -1);

  private static final Pattern TEXT = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
  // An image tag: v1.17.4, 1.16.0-rc.1, v1.18.2@sha256:..., 1.15.6-cee.1
  private static final Pattern TAG =
      Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:[-+@].*)?$");

  /**
   * Parses {@code X.Y} or {@code X.Y.Z} (a leading {@code v} is accepted).
   *
   * @throws IllegalArgumentException naming the text when it is neither
   */
  public static CiliumVersion parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a Cilium version (X.Y or X.Y.Z, e.g. 1.17 or 1.16.5)");
    }
    return of(m);
  }

  /** The version of an image reference's tag ({@code quay.io/cilium/cilium:v1.17.4@sha256:...}). */
  public static Optional<CiliumVersion> fromImage(String image) {
    if (image == null) {
      return Optional.empty();
    }
    String ref = image;
    int digest = ref.indexOf('@');
    if (digest >= 0) {
      ref = ref.substring(0, digest);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon <= slash) {
      return Optional.empty(); // no tag (a registry port is not a tag)
    }
    Matcher m = TAG.matcher(ref.substring(colon + 1));
    return m.matches() ? Optional.of(of(m)) : Optional.empty();
  }

  private static CiliumVersion of(Matcher m) {
    return new CiliumVersion(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? -1 : Integer.parseInt(m.group(3)));
  }

  /** Whether this release is {@code major.minor} or later (any patch). */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  /** Whether this is a {@code major.minor} release. */
  public boolean is(int major, int minor) {
    return this.major == major && this.minor == minor;
  }

  @Override
  public int compareTo(CiliumVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + (patch < 0 ? "" : "." + patch);
  }
}
