package dev.nodeipam.controller;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nodeipam controller} in a JVM of its own (the test classpath, the CLI's main class), its
 * log lines kept with the time each was logged, its {@code /metrics} read over HTTP.
 */
final class ReplicaProcess implements AutoCloseable {
  private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+)\\s");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One log line and when the replica logged it. */
  record Line(Instant at, String text) {}

  final String identity;
  private final Process process;
  private final int httpPort;
  private final List<Line> lines = new CopyOnWriteArrayList<>();

  private ReplicaProcess(String identity, Process process, int httpPort) {
    this.identity = identity;
    this.process = process;
    this.httpPort = httpPort;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  Matcher m = STAMP.matcher(line);
                  Instant at = m.find() ? parse(m.group(1)) : Instant.now();
                  lines.add(new Line(at, line));
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "replica-log-" + identity);
    reader.setDaemon(true);
    reader.start();
  }

  private static Instant parse(String stamp) {
    try {
      return OffsetDateTime.parse(stamp).toInstant();
    } catch (RuntimeException e) {
      return Instant.now();
    }
  }

  /** Starts {@code nodeipam controller --kubeconfig KUBECONFIG ARGS...} as {@code identity}. */
  static ReplicaProcess start(String identity, Path kubeconfig, String... args) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.nodeipam.cli.Main",
            "controller",
            "--kubeconfig",
            kubeconfig.toString(),
            "--http-address",
            "127.0.0.1:" + port));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("POD_NAME", identity);
    builder.environment().put("POD_NAMESPACE", "nodeipam-system");
    builder.environment().remove("NODEIPAM_LOG_LEVEL");
    return new ReplicaProcess(identity, builder.start(), port);
  }

  List<Line> lines() {
    return List.copyOf(lines);
  }

  /** When the first line containing {@code text} was logged at or after {@code since}, or null. */
  Instant logged(String text, Instant since) {
    return lines.stream()
        .filter(l -> !l.at().isBefore(since) && l.text().contains(text))
        .map(Line::at)
        .findFirst()
        .orElse(null);
  }

  /** The times of the status writes this replica logged. */
  List<Instant> writes() {
    return lines.stream()
        .filter(
            l -> l.text().contains(" published service=") || l.text().contains(" cleared service="))
        .map(Line::at)
        .toList();
  }

  /** The value of a metric without labels, or -1 when /metrics does not answer. */
  double metric(String name) {
    try {
      String body =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        if (line.startsWith(name + " ")) {
          return Double.parseDouble(line.substring(name.length() + 1).trim());
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The HTTP status of a GET of {@code path}, or -1 when nothing answers. */
  int status(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  boolean isLeader() {
    return metric("nodeipam_leader") == 1.0;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitCode() {
    return process.exitValue();
  }

  /** SIGTERM: the shutdown hook releases the Lease. */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  /** SIGKILL: no shutdown hook, the Lease is left to expire. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(identity).append(":\n");
    lines.forEach(l -> b.append("  ").append(l.text()).append('\n'));
    return b.toString();
  }
}
