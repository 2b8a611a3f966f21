package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's output items on small trees made here: conflicting claims, -n with no Services,
 * collapsed not-handled rows, a manifest Service without ClusterIP traced to its backends.
 */
class OutputAtScaleTest {
  @TempDir Path dir;

  private static String service(String ns, String name, String extra) {
    return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: " + ns
        + "}\nspec:\n  selector: {app: " + name + "}\n  ports: [{name: http, port: 80,"
        + " targetPort: web}]\n" + extra + "---\n";
  }

  private static String deployment(String ns, String name) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: "
        + ns + "}\nspec:\n  selector: {matchLabels: {app: " + name + "}}\n  template:\n"
        + "    metadata: {labels: {app: " + name + "}}\n    spec:\n      containers:\n"
        + "      - name: c\n        image: x\n        ports: [{name: web, containerPort: 8080}]\n"
        + "---\n";
  }

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("tree.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void anAddressAndPortSeveralServicesClaimIsAConflictInPlanAndAudit() throws IOException {
    String ext = "  externalIPs: [198.51.100.10]\n";
    Path f = write(service("shop", "web-a", ext) + service("shop", "web-b", ext)
        + service("shop", "web-c", "  externalIPs: [198.51.100.11]\n"));
    CliRun plan = CliRun.of("plan", "-f", f.toString());
    assertThat(plan.exitCode()).isZero();
    assertThat(plan.out().replaceAll("\\s*\n\\s*", " "))
        .contains("ADDRESS_CONFLICT: 198.51.100.10:80/TCP is claimed by 2 Services"
            + " (shop/web-a, shop/web-b)")
        .doesNotContain("198.51.100.11:80/TCP is claimed");
    CliRun audit = CliRun.of("audit", "-f", f.toString(), "-o", "json", "--fail-on", "never");
    assertThat(audit.exitCode()).isZero();
    assertThat(audit.out()).contains("\"ADDRESS_CONFLICT\"").contains("\"servedBy\"");
    CliRun sarif = CliRun.of("audit", "-f", f.toString(), "-o", "sarif", "--fail-on", "never");
    assertThat(sarif.out()).contains("nodeipam/audit/address-conflict");
  }

  @Test
  void aNamespaceWithoutServicesIsSaidNotSilent() throws IOException {
    Path f = write(service("a", "web", "") + service("b", "web", ""));
    CliRun plan = CliRun.of("plan", "-f", f.toString(), "-n", "argocd");
    assertThat(plan.exitCode()).isZero();
    assertThat(plan.err()).contains("no Services in namespace argocd (the input has: a, b)");
    assertThat(plan.out()).contains("0 Services, 0 handled by Node IPAM.");
    CliRun one = CliRun.of("plan", "-f", f.toString(), "-n", "a");
    assertThat(one.out()).contains("1 Service, 0 handled by Node IPAM.");
    assertThat(one.err()).doesNotContain("no Services");
  }

  @Test
  void notHandledServicesCollapseByReasonUnlessShowAll() throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      yaml.append(service("shop", String.format("svc-%02d", i), ""));
    }
    Path f = write(yaml.toString());
    CliRun plan = CliRun.of("plan", "-f", f.toString());
    assertThat(plan.out().replaceAll("\\s*\n\\s*", " ")).contains("12 Services: ").contains("shop/svc-00, shop/svc-01")
        .contains("… and 9 more (--show-all lists them)").doesNotContain("shop/svc-11");
    CliRun all = CliRun.of("plan", "-f", f.toString(), "--show-all");
    assertThat(all.out()).contains("shop/svc-11").doesNotContain("--show-all lists them");
  }

  @Test
  void aManifestServiceWithoutClusterIpIsTracedToItsBackendsWithoutDialling()
      throws IOException {
    Path f = write(service("shop", "cart", "") + deployment("shop", "cart")
        + deployment("shop", "front"));
    for (String to : new String[] {"shop/cart:80", "shop/cart:http", "cart:http"}) {
      CliRun r = to.contains("/")
          ? CliRun.of("trace", "-f", f.toString(), "--from", "shop/front", "--to", to,
              "-o", "json")
          : CliRun.of("trace", "-f", f.toString(), "-n", "shop", "--from", "front", "--to", to,
              "-o", "json");
      assertThat(r.exitCode()).as(to + ": " + r.err()).isZero();
      assertThat(r.out()).contains("\"dialled\" : false").contains("8080")
          .contains("no ClusterIP in the input");
    }
    Path headless = write(service("shop", "cart", "  clusterIP: None\n")
        + deployment("shop", "cart") + deployment("shop", "front"));
    CliRun r = CliRun.of("trace", "-f", headless.toString(), "--from", "shop/front", "--to",
        "shop/cart:80");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is headless (clusterIP: None)");
  }
}
