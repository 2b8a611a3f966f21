package dev.nodeipam.cli;

import dev.nodeipam.migrate.MigrationPlan;
import dev.nodeipam.migrate.Step;
import dev.nodeipam.render.ExternalIpsLock;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.BadInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a migration plan as files: one script per step, README.md and plan.json. Everything is
 * written to a temporary directory inside the target first and moved into place at the end, so an
 * error leaves nothing half-written.
 */
final class PlanDirectory {
  /** The files a previous run wrote, which {@code --force} replaces. */
  private static final Pattern OURS =
      Pattern.compile("\\d{2,3}-[a-z-]+(-[a-z0-9.-]+)?\\.sh|README\\.md|plan\\.json"
          + "|lock-externalips-[a-z-]+\\.yaml");

  private PlanDirectory() {}

  /** Refuses, before any work is done, a target that is a file or a non-empty directory. */
  static void checkWritable(Path dir, boolean force) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInputException(dir + ": exists and is not a directory");
    }
    if (!force && Files.isDirectory(dir) && !isEmpty(dir)) {
      throw new BadInputException(
          dir + ": directory is not empty (use --force to replace the plan files in it)");
    }
  }

  /**
   * Writes the plan; returns how many files. The files are written in full to a hidden directory
   * inside DIR, then renamed into place: a failure while writing leaves DIR as it was, and DIR
   * itself is never replaced, so it may be a mount point or sit under a read-only parent.
   */
  static int write(Path dir, boolean force, MigrationPlan plan, String json) {
    checkWritable(dir, force);
    Path target = dir.toAbsolutePath().normalize();
    boolean created = !Files.exists(target);
    Path temp = null;
    try {
      Files.createDirectories(target);
      temp = Files.createTempDirectory(target, ".nodeipam-plan-");
      List<String> names = fileNames(plan.steps());
      for (int i = 0; i < names.size(); i++) {
        Path file = temp.resolve(names.get(i));
        Files.writeString(file, MigrateRenderer.script(plan.steps().get(i)));
        executable(file);
      }
      String readme = MigrateRenderer.readme(plan, names);
      int count = names.size() + 2;
      if (!names.isEmpty()) {
        // The optional lock step, last: its commands are commented out in the script.
        String lock = String.format(Locale.ROOT, "%0" + (names.size() >= 99 ? 3 : 2) + "d-%s.sh",
            names.size() + 1, ExternalIpsLock.NAME);
        Files.writeString(temp.resolve(lock), ExternalIpsLock.script());
        executable(temp.resolve(lock));
        Files.writeString(temp.resolve(ExternalIpsLock.ADMISSION_POLICY_FILE),
            ExternalIpsLock.admissionPolicy());
        Files.writeString(temp.resolve(ExternalIpsLock.KYVERNO_FILE), ExternalIpsLock.kyverno());
        readme += ExternalIpsLock.readme(lock);
        count += 3;
      }
      Files.writeString(temp.resolve("README.md"), readme);
      Files.writeString(temp.resolve("plan.json"), json);
      replaceOurFiles(temp, target);
      return count;
    } catch (IOException e) {
      if (created) {
        deleteQuietly(target);
      }
      throw new BadInputException(dir + ": cannot write the plan: " + reason(e));
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  /** The reason in words: the JDK's exceptions often carry only a path. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException a) {
      return (a.getFile() == null ? "" : a.getFile() + ": ") + "permission denied";
    }
    if (e instanceof NoSuchFileException n) {
      return (n.getFile() == null ? "" : n.getFile() + ": ") + "no such file or directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** {@code 01-label-nodes-node-a.sh}: order, kind and subject, safe for any file system. */
  static List<String> fileNames(List<Step> steps) {
    List<String> names = new ArrayList<>();
    int width = steps.size() >= 100 ? 3 : 2;
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      String subject =
          s.subject() == null
              ? ""
              : "-" + s.subject().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", ".");
      names.add(
          String.format(Locale.ROOT, "%0" + width + "d-%s%s.sh", i + 1, s.kind().text(), subject));
    }
    return names;
  }

  private static void replaceOurFiles(Path temp, Path target) throws IOException {
    try (DirectoryStream<Path> old = Files.newDirectoryStream(target)) {
      for (Path p : old) {
        if (Files.isRegularFile(p) && OURS.matcher(p.getFileName().toString()).matches()) {
          Files.delete(p);
        }
      }
    }
    try (DirectoryStream<Path> fresh = Files.newDirectoryStream(temp)) {
      for (Path p : fresh) {
        Files.move(
            p,
            target.resolve(p.getFileName()),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new BadInputException(dir + ": cannot read: " + e.getMessage());
    }
  }

  private static void executable(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: the scripts still run with "sh FILE".
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover hidden temporary directory is harmless.
    }
  }
}
