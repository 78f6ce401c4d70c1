package org.sparetire.web.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sparetire.web.AccessToken;

class SecretRedactionTest {
    @Test
    void hidesTheTokenAndSecretLookingKeysButKeepsLines() {
        String text = """
                web:
                  token: s3cr3t-s3cr3t-s3cr3t   # from the label
                  bind: 0.0.0.0
                dhcp:
                  ddns-password: "hunter2"
                  tokens-per-second: 5
                  note: the value s3cr3t-s3cr3t-s3cr3t appears here too
                  api-key:
                  secret: null
                """;
        String out = SecretRedaction.redact(text, Optional.of(new AccessToken("s3cr3t-s3cr3t-s3cr3t")));
        assertThat(out).isEqualTo("""
                web:
                  token: ********   # from the label
                  bind: 0.0.0.0
                dhcp:
                  ddns-password: ********
                  tokens-per-second: 5
                  note: the value ******** appears here too
                  api-key:
                  secret: null
                """);
        assertThat(out.lines().count()).isEqualTo(text.lines().count());
    }
}
