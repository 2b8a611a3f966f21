package dev.nodeipam.render;

import java.util.List;

/**
 * The optional last step of a migration: lock the door behind it. Once no Service needs {@code
 * spec.externalIPs}, new or changed ones are refused at admission (removing them stays allowed), by
 * a {@code ValidatingAdmissionPolicy} (Kubernetes 1.30+, {@code admissionregistration.k8s.io/v1})
 * or, on older clusters, a Kyverno {@code ClusterPolicy} with the same CEL rule; a namespace
 * labelled {@link #EXEMPT_LABEL}{@code =exempt} is left alone. Cluster administrators can instead
 * enable the API server's {@code DenyServiceExternalIPs} admission plugin, which refuses every new
 * externalIPs entry cluster-wide. Kubernetes deprecates externalIPs (v1.36, KEP-5707).
 */
public final class ExternalIpsLock {
  /** The namespace label that exempts a namespace from the lock (value {@code exempt}). */
  public static final String EXEMPT_LABEL = "nodeipam.dev/externalips-lock";

  /**
   * Allowed: no externalIPs, or every one of them already on the old object (unchanged, or some
   * removed). Refused: a Service created with externalIPs, or an update that adds or changes one.
   * On CREATE {@code oldObject} is null.
   */
  public static final String CEL = String.join(" ", celLines());

  /** The expression in lines that a YAML folded scalar joins back with one space. */
  private static List<String> celLines() {
    return List.of("!has(object.spec.externalIPs) || (oldObject != null",
        "&& has(oldObject.spec.externalIPs)",
        "&& object.spec.externalIPs.all(ip, ip in oldObject.spec.externalIPs))");
  }

  private static String folded(String indent) {
    return String.join("\n" + indent, celLines());
  }

  static final String MESSAGE = "spec.externalIPs is locked after the migration to Node IPAM:"
      + " new or changed addresses are refused (removing them is allowed)";

  /** The script's file name stem and the manifests' names. */
  public static final String NAME = "lock-externalips";

  public static final String ADMISSION_POLICY_FILE = NAME + "-admission-policy.yaml";
  public static final String KYVERNO_FILE = NAME + "-kyverno.yaml";

  private ExternalIpsLock() {}

  /** The ValidatingAdmissionPolicy and its binding (paramless, Deny). */
  public static String admissionPolicy() {
    return """
        # Refuses new or changed spec.externalIPs (Kubernetes 1.30+). Written by nodeipam migrate.
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: %1$s
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE, UPDATE]
              resources: [services]
          validations:
          - expression: >-
              %2$s
            message: "%3$s"
            reason: Forbidden
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: %1$s
        spec:
          policyName: %1$s
          validationActions: [Deny]
          matchResources:
            namespaceSelector:
              matchExpressions:
              - {key: %4$s, operator: NotIn, values: [exempt]}
        """.formatted(NAME, folded("      "), MESSAGE, EXEMPT_LABEL);
  }

  /** The Kyverno alternative (Kyverno 1.11+, CEL validation) for clusters before 1.30. */
  public static String kyverno() {
    return """
        # Refuses new or changed spec.externalIPs with Kyverno 1.11+ (clusters before 1.30).
        # Written by nodeipam migrate.
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: %1$s
        spec:
          validationFailureAction: Enforce
          background: false
          rules:
          - name: no-new-externalips
            match:
              any:
              - resources:
                  kinds: [Service]
                  operations: [CREATE, UPDATE]
            exclude:
              any:
              - resources:
                  namespaceSelector:
                    matchLabels: {%4$s: exempt}
            validate:
              message: "%3$s"
              cel:
                expressions:
                - expression: >-
                    %2$s
        """.formatted(NAME, folded("            "), MESSAGE, EXEMPT_LABEL);
  }

  /** The step's script: every command commented out, as the lock is optional. */
  public static String script() {
    return """
        #!/bin/sh
        # %1$s (optional): once no Service needs spec.externalIPs, refuse new or changed ones
        # (removing them stays allowed). Uncomment ONE of the two. Exempt a namespace with
        #   kubectl label namespace NS %2$s=exempt
        set -eu
        # Kubernetes 1.30+ (admissionregistration.k8s.io/v1):
        # kubectl apply -f "$(dirname "$0")/%3$s"
        # Older clusters with Kyverno 1.11+:
        # kubectl apply -f "$(dirname "$0")/%4$s"
        # Cluster administrators can instead enable the API server's DenyServiceExternalIPs
        # admission plugin (--enable-admission-plugins=...,DenyServiceExternalIPs): it refuses
        # every new externalIPs entry in every namespace, with no exemption.
        """.formatted(NAME, EXEMPT_LABEL, ADMISSION_POLICY_FILE, KYVERNO_FILE);
  }

  /** The README's section on the step. */
  public static String readme(String scriptName) {
    return """

        ## Optional: lock externalIPs

        `%1$s` (every command commented out) applies `%2$s`, a ValidatingAdmissionPolicy and
        binding (Kubernetes 1.30+) that refuse new or changed `spec.externalIPs` (removing them
        stays allowed), or `%3$s`, the same rule for Kyverno 1.11+ on older clusters. A namespace
        labelled `%4$s=exempt` is left alone. Cluster administrators can instead enable the API
        server's `DenyServiceExternalIPs` admission plugin (every namespace, no exemption).
        """.formatted(scriptName, ADMISSION_POLICY_FILE, KYVERNO_FILE, EXEMPT_LABEL);
  }
}
