package dev.nodeipam.testing;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every API request a client made, as RBAC sees it (verb, group, resource, namespace, name) with
 * the server's answer: what a controller actually needs, and every 403 it got.
 */
public final class RequestLog implements Interceptor {
  /**
   * One request.
   *
   * @param verb the RBAC verb: get, list, watch, create, update, patch, delete, deletecollection
   * @param resource {@code group/resource[/subresource]}, the group empty for the core API
   */
  public record Call(String verb, String resource, String namespace, String name, int code) {
    /** {@code "verb group/resource"}, the unit RBAC grants. */
    public String permission() {
      return verb + " " + resource;
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    Call call = parse(request.method(), request.uri(), response.code());
    if (call != null) {
      calls.add(call);
    }
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The requests the server answered with 403 Forbidden. */
  public List<Call> forbidden() {
    return calls.stream().filter(c -> c.code() == 403).toList();
  }

  /** Every permission used with an answer other than 403. */
  public Set<String> permissionsUsed() {
    Set<String> used = new TreeSet<>();
    calls.stream().filter(c -> c.code() != 403).forEach(c -> used.add(c.permission()));
    return used;
  }

  /** The RBAC view of a request to the resource API, or null for discovery and other paths. */
  static Call parse(String method, URI uri, int code) {
    String[] p = uri.getPath().replaceAll("^/+|/+$", "").split("/");
    int i;
    String group;
    if (p.length >= 3 && p[0].equals("api")) {
      group = "";
      i = 2;
    } else if (p.length >= 4 && p[0].equals("apis")) {
      group = p[1];
      i = 3;
    } else {
      return null;
    }
    String namespace = null;
    if (p.length > i + 2 && p[i].equals("namespaces")) {
      namespace = p[i + 1];
      i += 2;
    }
    String resource = p[i];
    String name = p.length > i + 1 ? p[i + 1] : null;
    String sub = p.length > i + 2 ? p[i + 2] : null;
    if (namespace == null && resource.equals("namespaces") && name != null) {
      namespace = name;
    }
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (method) {
          case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase(Locale.ROOT);
        };
    String full = (group.isEmpty() ? "" : group + "/") + resource + (sub == null ? "" : "/" + sub);
    return new Call(verb, full, namespace, name, code);
  }
}
