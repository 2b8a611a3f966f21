package dev.nodeipam.git;

import dev.nodeipam.kube.ManifestTree;
import dev.nodeipam.snapshot.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The files of one git commit, read from the object database: no checkout, nothing written to the
 * work tree, the index or the refs. Paths are given as for the work tree (relative to the current
 * directory, or absolute) and mapped onto the commit's tree, so that {@code -f cluster/} means the
 * same directory in both states.
 */
public final class GitTree implements ManifestTree, AutoCloseable {
  private final Repository repository;
  private final Path root;
  private final Path cwd;
  private final String ref;
  private final String commit;
  /** Every file of the commit, by its path from the repository root. */
  private final Map<String, ObjectId> files = new HashMap<>();
  private final Set<String> directories = new HashSet<>();

  private GitTree(Repository repository, Path cwd, String ref, RevCommit commit)
      throws IOException {
    this.repository = repository;
    this.root = repository.getWorkTree().toPath().toAbsolutePath().normalize();
    this.cwd = cwd.toAbsolutePath().normalize();
    this.ref = ref;
    this.commit = commit.getName();
    directories.add("");
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        if ((walk.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
          continue; // submodules and symbolic links are not manifests
        }
        String path = walk.getPathString();
        files.put(path, walk.getObjectId(0));
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
          directories.add(path.substring(0, slash));
        }
      }
    }
  }

  /**
   * Opens the commit {@code ref} (a branch, tag, {@code HEAD~1}, a hash) of the repository whose
   * work tree holds {@code within}; relative paths are read from {@code cwd}.
   *
   * @throws BadInputException when there is no repository or no such commit
   */
  public static GitTree open(Path within, Path cwd, String ref) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment();
    builder.findGitDir(within.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      throw new BadInputException("--base " + ref + ": " + within.toAbsolutePath()
          + " is not in a git work tree");
    }
    Repository repository = null;
    try {
      repository = builder.setMustExist(true).build();
      if (repository.isBare()) {
        throw new BadInputException("--base " + ref + ": " + builder.getGitDir()
            + " is a bare repository (run diff in a work tree)");
      }
      ObjectId id = repository.resolve(ref + "^{commit}");
      if (id == null) {
        throw new BadInputException("--base " + ref + ": no such commit in "
            + repository.getWorkTree());
      }
      RevCommit commit;
      try (RevWalk walk = new RevWalk(repository)) {
        commit = walk.parseCommit(id);
      }
      return new GitTree(repository, cwd, ref, commit);
    } catch (IOException | RuntimeException e) {
      if (repository != null) {
        repository.close();
      }
      if (e instanceof BadInputException b) {
        throw b;
      }
      throw new BadInputException("--base " + ref + ": cannot read the repository at "
          + builder.getGitDir() + ": " + e.getMessage());
    }
  }

  /** The root of the git work tree holding {@code dir}, if it is in one. */
  public static Optional<Path> rootOf(Path dir) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment();
    builder.findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repository = builder.setMustExist(true).build()) {
      return repository.isBare() ? Optional.empty()
          : Optional.of(repository.getWorkTree().toPath().toAbsolutePath().normalize());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The work tree's root: where SARIF locations are relative to. */
  public Path root() {
    return root;
  }

  /** The commit's full hash. */
  public String commit() {
    return commit;
  }

  public String ref() {
    return ref;
  }

  /** A work-tree path as a path of the commit's tree ({@code ""} for the root), or null outside. */
  String inRepository(Path path) {
    Path absolute = cwd.resolve(path).normalize();
    if (!absolute.startsWith(root)) {
      return null;
    }
    return root.relativize(absolute).toString().replace('\\', '/');
  }

  @Override
  public boolean exists(Path path) {
    String p = inRepository(path);
    return p != null && (files.containsKey(p) || directories.contains(p));
  }

  @Override
  public boolean isDirectory(Path path) {
    String p = inRepository(path);
    return p != null && directories.contains(p);
  }

  @Override
  public List<Path> filesBelow(Path directory) {
    String p = inRepository(directory);
    List<Path> out = new ArrayList<>();
    if (p == null) {
      return out;
    }
    String prefix = p.isEmpty() ? "" : p + "/";
    for (String f : files.keySet()) {
      if (f.startsWith(prefix)) {
        out.add(directory.resolve(f.substring(prefix.length())));
      }
    }
    return out;
  }

  /**
   * Writes the commit's files below {@code within} (a work-tree directory) into {@code target}, as
   * they are, so a tool that needs files on disk ({@code kubectl kustomize}) can read the commit;
   * {@code within} is the root for a whole checkout. Returns where {@code within} lands.
   */
  public Path extract(Path within, Path target) {
    try (ObjectReader reader = repository.newObjectReader()) {
      for (Map.Entry<String, ObjectId> f : files.entrySet()) {
        Path out = target.resolve(f.getKey()).normalize();
        if (!out.startsWith(target)) {
          continue; // no path of a well-formed tree leaves it
        }
        Files.createDirectories(out.getParent());
        Files.write(out, reader.open(f.getValue(), Constants.OBJ_BLOB).getBytes());
      }
    } catch (IOException e) {
      throw new BadInputException(ref + ": cannot write the commit's files: " + e.getMessage());
    }
    String p = inRepository(within);
    return p == null ? target : target.resolve(p);
  }

  @Override
  public String read(Path file) {
    String p = inRepository(file);
    ObjectId id = p == null ? null : files.get(p);
    if (id == null) {
      throw new BadInputException(file + ": no such file in " + ref);
    }
    byte[] bytes;
    // One reader per call: the loader reads files on several threads.
    try (ObjectReader reader = repository.newObjectReader()) {
      bytes = reader.open(id, Constants.OBJ_BLOB).getBytes();
    } catch (IOException e) {
      throw new BadInputException(file + " in " + ref + ": cannot read: " + e.getMessage());
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException(file + " in " + ref + ": not UTF-8 text");
    }
  }

  @Override
  public void close() {
    repository.close();
  }
}
