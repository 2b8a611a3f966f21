package dev.nodeipam.testing;

import java.util.SplittableRandom;
import org.quicktheories.QuickTheory;

/**
 * How the property tests run (QuickTheories). One seed per test run: a falsified property reports
 * it ("Seed was N", after the smallest failing sample), and so does a failed coverage check; {@code
 * mvn -B test -Dtest=CLASS -DQT_SEED=N} replays exactly that run. Each property has its own number
 * of samples, sized for the build machine; {@code -DQT_EXAMPLES=N} asks every property for N
 * instead (a deeper search by hand), {@code -DQT_SHRINKS=N} for N shrink attempts.
 */
public final class Theories {
  /** The seed of this run: {@code QT_SEED} when given, else a new one. */
  public static final long SEED = Long.getLong("QT_SEED", new SplittableRandom().nextLong() | 1);

  private Theories() {}

  /**
   * A theory of {@code examples} samples with this run's seed. Shrinking stops after {@code
   * shrinks} attempts: properties over whole audits cost tens of milliseconds a sample, and a
   * failure must still be reported within a minute or two.
   */
  public static QuickTheory qt(int examples, int shrinks) {
    return QuickTheory.qt()
        .withFixedSeed(SEED)
        .withExamples(Integer.getInteger("QT_EXAMPLES", examples))
        .withShrinkCycles(Integer.getInteger("QT_SHRINKS", shrinks));
  }

  /** A cheap property: {@code examples} samples, a hundred shrink attempts for each. */
  public static QuickTheory qt(int examples) {
    return qt(examples, examples * 100);
  }
}
