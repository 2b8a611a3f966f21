package dev.nodeipam.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.net.IpText;
import org.junit.jupiter.api.Test;

class AddressBookTest {
  @Test
  void strictIpv4FastPathAgreesWithTheLibraryParser() {
    String[] texts = {
      "10.0.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "010.0.0.1",
      "10.0.0",
      "10.0.0.1.",
      "10..0.1",
      "256.1.1.1",
      "1.2.3.4.5",
      "",
      "a.b.c.d",
      "1.2.3.04",
      "1234.1.1.1",
      " 1.2.3.4",
      "::1"
    };
    for (String t : texts) {
      boolean library = IpText.family(t) == 4 && t.equals(IpText.canonical(t));
      assertThat(AddressBook.isStrictIpv4(t)).as(t).isEqualTo(library);
    }
  }
}
