package dev.nodeipam.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics} on the JDK's HTTP server. */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  HealthServer(InetSocketAddress address, BooleanSupplier ready, ControllerMetrics metrics)
      throws IOException {
    server = HttpServer.create(address, 16);
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "nodeipam-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/healthz", ex -> reply(ex, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        ex -> {
          if (ready.getAsBoolean()) {
            reply(ex, 200, "text/plain", "ok\n");
          } else {
            reply(ex, 503, "text/plain", "caches not synced or leader election not started\n");
          }
        });
    server.createContext(
        "/metrics",
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.text()));
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void reply(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
