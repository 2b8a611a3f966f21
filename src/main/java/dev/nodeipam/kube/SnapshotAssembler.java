package dev.nodeipam.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Workload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sorts Kubernetes objects (as JSON trees from manifests, or typed from an API server) into the
 * snapshot: built-in kinds typed, Cilium policies kept as trees, every other kind ignored.
 */
final class SnapshotAssembler {
  /** Kinds that live in a namespace, keyed "group/Kind" ("" for the core group). */
  private static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "/Node",
          "/Namespace",
          "/PersistentVolume",
          "cilium.io/CiliumClusterwideNetworkPolicy",
          "policy.networking.k8s.io/ClusterNetworkPolicy",
          "rbac.authorization.k8s.io/ClusterRole",
          "rbac.authorization.k8s.io/ClusterRoleBinding",
          "apiextensions.k8s.io/CustomResourceDefinition",
          "storage.k8s.io/StorageClass",
          "cilium.io/CiliumNode",
          "cilium.io/CiliumLoadBalancerIPPool",
          "cilium.io/CiliumCIDRGroup",
          "networking.k8s.io/IngressClass",
          "cilium.io/CiliumEgressGatewayPolicy",
          "scheduling.k8s.io/PriorityClass",
          "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
          "admissionregistration.k8s.io/MutatingWebhookConfiguration");

  private static final Map<String, Class<? extends HasMetadata>> TYPED =
      Map.ofEntries(
          Map.entry("/Node", Node.class),
          Map.entry("/Service", Service.class),
          Map.entry("/Pod", Pod.class),
          Map.entry("/Namespace", Namespace.class),
          Map.entry("/ConfigMap", ConfigMap.class),
          Map.entry("/ReplicationController",
              ReplicationController.class),
          Map.entry("discovery.k8s.io/EndpointSlice", EndpointSlice.class),
          Map.entry("apps/Deployment", Deployment.class),
          Map.entry("apps/StatefulSet", StatefulSet.class),
          Map.entry("apps/DaemonSet", DaemonSet.class),
          Map.entry("apps/ReplicaSet", ReplicaSet.class),
          Map.entry("batch/Job", Job.class),
          Map.entry("batch/CronJob", CronJob.class),
          Map.entry("networking.k8s.io/NetworkPolicy", NetworkPolicy.class));

  static final Set<String> POLICY_KINDS =
      Set.of(
          "networking.k8s.io/NetworkPolicy",
          "cilium.io/CiliumNetworkPolicy",
          "cilium.io/CiliumClusterwideNetworkPolicy",
          "policy.networking.k8s.io/ClusterNetworkPolicy");

  /** Kinds that claim addresses (NODE_ADDRESS_COLLISION), kept as trees like policies. */
  static final Set<String> CLAIM_KINDS =
      Set.of(
          "cilium.io/CiliumLoadBalancerIPPool",
          "gateway.networking.k8s.io/Gateway",
          "cilium.io/CiliumEgressGatewayPolicy");

  /** An address-claiming object, told apart from a policy in {@link Converted#value}. */
  record Claim(RawObject raw) {}

  private final KubernetesSerialization serialization;
  private final ClusterSnapshot.Builder builder = ClusterSnapshot.builder();

  SnapshotAssembler(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /**
   * One object ready for the snapshot: a snapshot record ({@code Node}, {@code Service}, ...,
   * {@code RawObject}), the data of the Cilium ConfigMap, or null for a kind nodeipam does not use.
   * Converting is the costly part of loading and may run on several threads at once; {@link
   * #accept} then adds the results in input order.
   *
   * @param namespace the object's namespace, or null when it is cluster-scoped
   */
  record Converted(Object value, String namespace) {}

  /** The Cilium ConfigMap's data, told apart from other maps in {@link Converted#value}. */
  record CiliumConfig(Map<String, String> data, String source) {}

  /**
   * Converts one object read from a manifest; a namespaced object without a namespace goes to
   * {@code default}, as {@code kubectl apply} would put it. Thread-safe.
   */
  Converted convert(ObjectNode doc, String where) {
    return convert(doc, where, "default");
  }

  /**
   * {@link #convert(ObjectNode, String)} placing an object without a namespace in {@code
   * defaultNamespace}, as {@code kubectl apply -n NS -f} does.
   */
  Converted convert(ObjectNode doc, String where, String defaultNamespace) {
    String key = typeKey(doc.path("apiVersion").asText(), doc.path("kind").asText());
    boolean clusterScoped = CLUSTER_SCOPED.contains(key);
    JsonNode metadata = doc.path("metadata");
    String namespace = null;
    if (!clusterScoped) {
      namespace = metadata.path("namespace").asText("");
      if (namespace.isEmpty()) {
        namespace = defaultNamespace;
        ((ObjectNode) metadata).put("namespace", namespace);
      }
    }
    Class<? extends HasMetadata> type = TYPED.get(key);
    Object value = null;
    if (type != null) {
      HasMetadata typed;
      try {
        typed = serialization.convertValue(doc, type);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(
            where + ": invalid " + doc.path("kind").asText() + " " + metadata.path("name").asText()
                + ": " + firstLine(e));
      }
      value = convertTyped(typed, where);
    } else if (POLICY_KINDS.contains(key) || CLAIM_KINDS.contains(key)) {
      value = convertTyped(serialization.convertValue(doc, GenericKubernetesResource.class), where);
    }
    return new Converted(value, namespace);
  }

  /** Adds one typed object (from an API server, or converted from a manifest). */
  void addTyped(HasMetadata object, String source) {
    accept(convertTyped(object, source));
  }

  /** Adds what {@link #convert} or {@link #convertTyped} made of an object; null is ignored. */
  void accept(Object value) {
    if (value instanceof List<?> several) {
      several.forEach(this::accept);
    } else if (value != null) {
      SnapshotValues.add(builder, value);
    }
  }

  /** A typed object as a snapshot value, or null when nodeipam does not use it. Thread-safe. */
  Object convertTyped(HasMetadata object, String source) {
    String key = typeKey(object.getApiVersion(), object.getKind());
    if (POLICY_KINDS.contains(key)) {
      return KubeConverters.raw(object, source);
    }
    if (CLAIM_KINDS.contains(key)) {
      return new Claim(KubeConverters.raw(object, source));
    }
    try {
      if (object instanceof Node n) {
        return KubeConverters.node(n, source);
      } else if (object instanceof Service s) {
        return KubeConverters.serviceWithObject(s, source);
      } else if (object instanceof Pod p) {
        return KubeConverters.pod(p, source);
      } else if (object instanceof Namespace n) {
        return KubeConverters.namespace(n, source);
      } else if (object instanceof EndpointSlice e) {
        return KubeConverters.endpointSlice(e, source);
      } else if (object instanceof ConfigMap c) {
        if (ClusterSnapshot.CILIUM_CONFIG_NAMESPACE.equals(c.getMetadata().getNamespace())
            && ClusterSnapshot.CILIUM_CONFIG_NAME.equals(c.getMetadata().getName())) {
          return new CiliumConfig(c.getData() == null ? Map.of() : c.getData(), source);
        }
        return null;
      } else if (object instanceof DaemonSet d) {
        // Its pods stand in as a workload; its images tell the Cilium agent's release.
        Workload w = KubeConverters.workload(d, source);
        var images = KubeConverters.daemonSetImages(d, source);
        return w == null ? images : List.of(w, images);
      } else {
        return KubeConverters.workload(object, source);
      }
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          source + ": invalid " + object.getKind() + " " + object.getMetadata().getName() + ": "
              + firstLine(e));
    }
  }

  ClusterSnapshot build() {
    return builder.build();
  }

  /** Whether nodeipam reads objects of this type ("group/Kind"); every other kind is skipped. */
  static boolean reads(String key) {
    return TYPED.containsKey(key) || POLICY_KINDS.contains(key) || CLAIM_KINDS.contains(key);
  }

  static String typeKey(String apiVersion, String kind) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return group + "/" + kind;
  }

  /** Where in the object and what: {@code spec.ports[0].port: "http" is not a valid Integer}. */
  private static String firstLine(Exception e) {
    if (e.getCause() instanceof JsonMappingException m
        && !m.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      String what = m.getOriginalMessage();
      if (m instanceof InvalidFormatException f) {
        what = "\"" + f.getValue() + "\" is not " + expected(f.getTargetType());
      } else if (m instanceof MismatchedInputException mi
          && mi.getTargetType() != null) {
        // Jackson names Java types (java.util.ArrayList<...ServicePort>); people read YAML.
        what = "expected " + expected(mi.getTargetType()) + found(mi);
      }
      return path + ": " + what.lines().findFirst().orElse(what).trim();
    }
    return plainFirstLine(e);
  }

  /** A Java target type in YAML words. */
  static String expected(Class<?> type) {
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.getSimpleName().equals("IntOrString")) {
      return "a port number or name";
    }
    if (type.getSimpleName().equals("Quantity")) {
      return "a quantity";
    }
    return "a mapping (key: value)";
  }

  private static String found(MismatchedInputException e) {
    if (!(e.getProcessor() instanceof JsonParser p)) {
      return "";
    }
    JsonToken t = p.currentToken();
    if (t == null) {
      return "";
    }
    return switch (t) {
      case START_ARRAY -> ", found a list";
      case START_OBJECT -> ", found a mapping";
      case VALUE_STRING -> ", found a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ", found a number";
      case VALUE_TRUE, VALUE_FALSE -> ", found true/false";
      default -> "";
    };
  }

  private static String plainFirstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int at = message.indexOf(" at [Source");
    if (at > 0) {
      message = message.substring(0, at);
    }
    return message.lines().findFirst().orElse(message).trim();
  }
}
