package dev.nodeipam.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a property's samples exercised, so that a property cannot pass by testing nothing: each
 * sample counts the labels that held for it, and {@link #requireShare} fails the test when a label
 * held for too small a share of the samples. The counts are printed once the property has passed.
 */
public final class Coverage {
  private final String property;
  private final Map<String, Integer> counts = new TreeMap<>();
  private int samples;

  public Coverage(String property) {
    this.property = property;
  }

  /** Counts one sample. */
  public void sample() {
    samples++;
  }

  /** Counts the label for the current sample when {@code held}. */
  public void count(String label, boolean held) {
    counts.merge(label, held ? 1 : 0, Integer::sum);
  }

  /** The share of samples (0 to 1) for which the label held. */
  public double share(String label) {
    return samples == 0 ? 0 : counts.getOrDefault(label, 0) / (double) samples;
  }

  /** Fails unless the label held for at least {@code atLeast} of the samples (0 to 1). */
  public Coverage requireShare(String label, double atLeast) {
    assertThat(share(label))
        .as(
            "%s: share of samples where \"%s\" (%s of %s samples, seed %s; replay with"
                + " -DQT_SEED=%s)",
            property, label, counts.getOrDefault(label, 0), samples, Theories.SEED, Theories.SEED)
        .isGreaterThanOrEqualTo(atLeast);
    return this;
  }

  /** One line: the property, its samples and seed, and each label's share. */
  public String summary() {
    StringBuilder out =
        new StringBuilder(property)
            .append(": ")
            .append(samples)
            .append(" samples, seed ")
            .append(Theories.SEED);
    counts.forEach(
        (label, n) ->
            out.append(String.format("; %s %.0f%%", label, 100.0 * n / Math.max(1, samples))));
    return out.toString();
  }

  /** Prints {@link #summary} (the test report keeps it). */
  public void print() {
    System.out.println(summary());
  }
}
