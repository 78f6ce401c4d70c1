package org.sparetire.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;

/** The commented web block in conf/sparetire.yaml binds, and says exactly what the code defaults to. */
class DefaultConfigBlockTest {
    @Test
    void theShippedBlockIsTheDefaults() throws Exception {
        String file = Files.readString(Path.of("../../conf/sparetire.yaml"));
        int start = file.indexOf("# >>> web");
        int end = file.indexOf("# <<< web");
        assertThat(start).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String block = file.substring(start, end);
        WebConfig c = new ConfigLoader(List.of(WebConfig.SECTION))
                .loadText(block, "sparetire.yaml", Path.of("."), ConfigOverrides.none())
                .section(WebConfig.SECTION);
        assertThat(c).isEqualTo(WebConfig.defaults());
        assertThat(block).contains("# token:");
    }
}
