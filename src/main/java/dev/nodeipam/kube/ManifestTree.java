package dev.nodeipam.kube;

import dev.nodeipam.snapshot.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where manifests are read from: the file system, or the tree of a git commit. Paths name files
 * and directories of that tree; a directory stands for every manifest file below it.
 */
public interface ManifestTree {
  /** Whether the path is a file or directory of the tree. */
  boolean exists(Path path);

  boolean isDirectory(Path path);

  /** Every regular file below a directory, in any order. */
  List<Path> filesBelow(Path directory);

  /** A file's text (UTF-8). */
  String read(Path file);

  /** The file system as it is. */
  ManifestTree WORK_TREE = new ManifestTree() {
    @Override
    public boolean exists(Path path) {
      return Files.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
      return Files.isDirectory(path);
    }

    @Override
    public List<Path> filesBelow(Path directory) {
      // A directory named on the command line is read even when it is a symbolic link (a
      // GitOps tree linking an environment to a shared folder); the files keep the name given.
      Path root = directory;
      try {
        if (Files.isSymbolicLink(directory)) {
          root = directory.toRealPath();
        }
      } catch (IOException e) {
        throw new BadInputException(directory + ": cannot read directory: " + e.getMessage());
      }
      Path real = root;
      try (Stream<Path> walk = Files.walk(real)) {
        return walk.filter(Files::isRegularFile)
            .map(f -> real == directory ? f : directory.resolve(real.relativize(f)))
            .toList();
      } catch (IOException | UncheckedIOException e) {
        throw new BadInputException(directory + ": cannot read directory: " + e.getMessage());
      }
    }

    @Override
    public String read(Path file) {
      try {
        return Files.readString(file);
      } catch (NoSuchFileException e) {
        throw new BadInputException(file + ": no such file or directory");
      } catch (AccessDeniedException e) {
        throw new BadInputException(file + ": permission denied");
      } catch (MalformedInputException e) {
        throw new BadInputException(file + ": not UTF-8 text");
      } catch (IOException e) {
        throw new BadInputException(file + ": cannot read: " + e.getMessage());
      }
    }
  };
}
