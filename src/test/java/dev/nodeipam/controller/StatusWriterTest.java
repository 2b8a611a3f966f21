package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusWriterTest {
  @Test
  void r25_r26_thePatchReplacesOnlyTheIngressListWithIpEntries() {
    assertThat(
            StatusWriter.patch(
                List.of(
                    new LoadBalancerIngress("10.0.0.1", null, null),
                    new LoadBalancerIngress("2001:0000::1", null, null))))
        .isEqualTo(
            "[{\"op\":\"add\",\"path\":\"/status/loadBalancer/ingress\",\"value\":"
                + "[{\"ip\":\"10.0.0.1\"},{\"ip\":\"2001:0000::1\"}]}]");
  }

  @Test
  void r27_nothingToPublishIsAnEmptyList() {
    assertThat(StatusWriter.patch(List.of()))
        .isEqualTo("[{\"op\":\"add\",\"path\":\"/status/loadBalancer/ingress\",\"value\":[]}]");
  }

  @Test
  void e10_ipModeIsWrittenWhenSet() {
    assertThat(StatusWriter.patch(List.of(new LoadBalancerIngress("10.0.0.1", null, "Proxy"))))
        .contains("{\"ip\":\"10.0.0.1\",\"ipMode\":\"Proxy\"}");
  }

  @Test
  void e11_clearingSetsAnEmptyListNeverRemovesAPathThatMayBeAbsent() {
    // The real API server answers 422 to a remove of an ingress list it no longer has.
    assertThat(StatusWriter.patch(null)).isEqualTo(StatusWriter.patch(List.of()));
  }
}
