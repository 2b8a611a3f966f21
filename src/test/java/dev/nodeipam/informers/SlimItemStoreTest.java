package dev.nodeipam.informers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

class SlimItemStoreTest {
  @Test
  void theInformerStoreKeepsIdentityLabelsAndVersionButNotTheStatus() {
    SlimItemStore<Service> store = new SlimItemStore<>();
    var service =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("web")
            .withName("site")
            .withResourceVersion("42")
            .addToLabels("app", "site")
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("10.0.0.1")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    String key = store.getKey(service);
    store.put(key, service);
    var kept = store.get(key);
    assertThat(key).isEqualTo("web/site");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getMetadata().getLabels()).containsEntry("app", "site");
    assertThat(kept.getStatus()).isNull();
    assertThat(kept.getSpec()).isNull();
    assertThat(store.isFullState()).isFalse();
    assertThat(store.size()).isEqualTo(1);
  }
}
