package dev.nodeipam.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reports as a person sees them: each {@code -o html} page loaded in headless Chromium
 * (Debian's {@code chromium}), its rendered DOM holding the SVG and the trapped policy's name, and
 * no request leaving the page: the CSP meta tag survives rendering, the net-log holds no request
 * the page made (the {@code file://} network isolation key), and the console reports no blocked
 * attempt. The Markdown reports' Mermaid blocks are rendered by the mermaid package (vendored into
 * target/mermaid by the build) in the same browser, each asserted {@code ok}. With CI=true a
 * missing browser or mermaid fails the test instead of skipping it.
 */
class HtmlReportBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path MERMAID = Path.of("target/mermaid/package/dist/mermaid.min.js");
  // npm pack mermaid@12.4.0: package/dist/mermaid.min.js
  private static final String MERMAID_SHA256 =
      "c0891e4c0413d0710ad193b431d8cbbe9d031636e51c467d11daa4721ba22094";
  private static final Pattern PAGE_REQUEST = Pattern.compile(
      "\"network_isolation_key\":\"file://[^\"]*\".*?\"url\":\"([^\"]*)\"");
  private static final Pattern CSP_VIOLATION =
      Pattern.compile("violates the following Content Security Policy");

  @TempDir Path work;

  static Stream<Arguments> pages() {
    return Stream.of(
        Arguments.of("audit of the seed", List.of("audit", "-f", "examples/istio-trap/cluster",
            "-o", "html", "--fail-on", "never"), "hermes-atlas-allow-egress"),
        Arguments.of("diff of pr-externalip", List.of("diff", "--before",
            "examples/pr-externalip/before", "--after", "examples/pr-externalip/after", "-o",
            "html", "--fail-on", "never"), "allow-egress"),
        Arguments.of("trace of one trapped flow", List.of("trace", "-f",
            "examples/istio-trap/cluster", "--from", "hermes/hermes-atlas", "--to",
            "24.85.233.58:443", "-o", "html"), "hermes-atlas-allow-egress"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pages")
  void pageRendersItsPictureAndFetchesNothing(String name, List<String> args, String policy)
      throws Exception {
    requireBrowser();
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    Path page = work.resolve("page.html");
    Files.writeString(page, run.out());
    boolean seed = name.startsWith("audit");
    Path shot = work.resolve("shot.png");
    Browser b = Browser.load(work, page, seed ? shot : null);
    assertEquals(0, b.exit(), b.stderr());
    assertTrue(b.dom().contains("<svg id=\"svg0\""), "an inline SVG picture: " + name);
    assertTrue(b.dom().contains(policy), "the trapped policy " + policy + " in the DOM");
    assertTrue(b.dom().contains("Content-Security-Policy"), "the CSP meta tag survives");
    assertEquals(List.of(), b.pageRequests(), "requests the page made");
    assertEquals(0, b.cspViolations(), "blocked attempts on the console");
    if (seed) {
      assertTrue(Files.size(shot) > 10_000, "a screenshot of the seed's report");
      if (Files.exists(Path.of("docs/img")) && !Files.exists(Path.of("docs/img/audit-seed.png"))) {
        Files.copy(shot, Path.of("docs/img/audit-seed.png"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static Stream<Arguments> markdown() {
    return Stream.of(
        Arguments.of("audit of the seed", List.of("audit", "-f", "examples/istio-trap/cluster",
            "-o", "markdown", "--fail-on", "never")),
        Arguments.of("diff of pr-externalip", List.of("diff", "--before",
            "examples/pr-externalip/before", "--after", "examples/pr-externalip/after", "-o",
            "markdown", "--fail-on", "never")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("markdown")
  void everyMermaidBlockRendersInTheBrowser(String name, List<String> args) throws Exception {
    requireBrowser();
    boolean present = Files.exists(MERMAID);
    if (ci()) {
      assertTrue(present, MERMAID + " is missing: the build's vendor-mermaid step packs it");
    }
    assumeTrue(present, MERMAID + " is missing");
    String digest = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(MERMAID)));
    assertEquals(MERMAID_SHA256, digest, "the vendored mermaid.min.js");
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    List<String> blocks = blocks(run.out());
    assertFalse(blocks.isEmpty(), "a mermaid block in the " + name + " Markdown");
    Files.copy(MERMAID, work.resolve("mermaid.min.js"));
    Path page = work.resolve("harness.html");
    Files.writeString(page, harness(blocks));
    Browser b = Browser.load(work, page, null);
    Matcher m = Pattern.compile("<pre id=\"result\">(.*?)</pre>", Pattern.DOTALL)
        .matcher(b.dom());
    assertTrue(m.find(), b.dom());
    JsonNode results = new ObjectMapper().readTree(m.group(1)
        .replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&"));
    assertEquals(blocks.size(), results.size(), m.group(1));
    for (JsonNode r : results) {
      assertTrue(r.get("ok").asBoolean(), "diagram " + r + "\n" + blocks.get(r.get("i").asInt()));
    }
    assertEquals(List.of(), b.pageRequests(), "requests the harness page made");
  }

  @Test
  void labelsEscapeWhatMermaidWouldParseOrRender() {
    assertEquals("web #quot;q#quot; #lt;b#gt; #35;1 #123;x#125;",
        TrapDiagrams.label("web \"q\" <b> #1 {x}"));
  }

  private static List<String> blocks(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("```mermaid\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String harness(List<String> blocks) throws IOException {
    String json = new ObjectMapper().writeValueAsString(blocks).replace("</", "<\\/");
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<script src=\"mermaid.min.js\"></script></head><body><pre id=\"result\">pending</pre>"
        + "<script id=\"diagrams\" type=\"application/json\">" + json + "</script><script>"
        + "const srcs = JSON.parse(document.getElementById('diagrams').textContent);"
        + "mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });"
        + "(async () => { const out = [];"
        + " for (const [i, s] of srcs.entries()) {"
        + "  try { const { svg } = await mermaid.render('m' + i, s);"
        + "   out.push({ i, ok: true, svgChars: svg.length }); }"
        + "  catch (e) { out.push({ i, ok: false, error: String((e && e.message) || e) }); } }"
        + " document.getElementById('result').textContent = JSON.stringify(out); })();"
        + "</script></body></html>";
  }

  private static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM);
    if (ci()) {
      assertTrue(present, CHROMIUM + " is missing: .ci/run installs Debian's chromium");
    }
    assumeTrue(present, CHROMIUM + " is missing");
  }

  /** One headless Chromium run: the rendered DOM, the page's requests, blocked attempts. */
  private record Browser(int exit, String dom, List<String> pageRequests, int cspViolations,
      String stderr) {
    static Browser load(Path work, Path page, Path screenshot) throws Exception {
      Path netLog = work.resolve("net.json");
      Path dom = work.resolve("dom.html");
      Path err = work.resolve("stderr.txt");
      List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless",
          "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND",
          "--user-data-dir=" + work.resolve("profile"), "--log-net-log=" + netLog,
          "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"));
      if (screenshot != null) {
        cmd.add("--screenshot=" + screenshot);
        cmd.add("--window-size=1280,900");
      }
      cmd.add("--dump-dom");
      cmd.add(page.toUri().toString());
      Process p = new ProcessBuilder(cmd).redirectOutput(dom.toFile())
          .redirectError(err.toFile()).start();
      // A guard against a hung browser, not a timed assertion.
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("chromium did not finish loading " + page);
      }
      List<String> requests = new ArrayList<>();
      if (Files.exists(netLog)) {
        for (String line : Files.readAllLines(netLog, StandardCharsets.UTF_8)) {
          Matcher m = PAGE_REQUEST.matcher(line);
          if (m.find()) {
            requests.add(m.group(1));
          }
        }
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      int violations = (int) stderr.lines().filter(l -> CSP_VIOLATION.matcher(l).find()).count();
      return new Browser(p.exitValue(), Files.readString(dom, StandardCharsets.UTF_8), requests,
          violations, stderr);
    }
  }
}
