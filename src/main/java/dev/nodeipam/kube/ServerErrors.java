package dev.nodeipam.kube;

import dev.nodeipam.snapshot.BadInputException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** A failed request to the API server as one line in the user's words, naming the server. */
final class ServerErrors {
  private ServerErrors() {}

  static BadInputException describe(String where, KubernetesClientException e) {
    String reason = transport(e);
    if (reason != null) {
      return new BadInputException("cannot reach " + where + ": " + reason, e);
    }
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : String.valueOf(e.getMessage()).lines().findFirst().orElse("request failed");
    String code = e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "";
    return new BadInputException(where + ": " + code + message, e);
  }

  /** Why no answer came, when the cause is the connection rather than the server's reply. */
  private static String transport(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && t.getClass().getSimpleName().contains("Timeout")) {
        return "no answer within " + KubeClients.CONNECT_TIMEOUT_MS / 1000 + " s";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof HttpConnectTimeoutException
          || t instanceof SocketTimeoutException
          || t instanceof HttpTimeoutException
          || t instanceof TimeoutException) {
        return "no answer within " + KubeClients.CONNECT_TIMEOUT_MS / 1000 + " s";
      }
      if (t instanceof SSLException) {
        return "TLS failed: " + t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
