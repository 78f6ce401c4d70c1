package org.sparetire.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private final List<String> keys = List.of("port", "bind", "root", "windowsize", "max-blksize");

    @Test
    void suggestsTyposAndTranspositions() {
        assertThat(Suggestions.closest("prot", keys)).contains("port");
        assertThat(Suggestions.closest("windowsie", keys)).contains("windowsize");
        assertThat(Suggestions.closest("max_blksize", keys)).contains("max-blksize");
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertThat(Suggestions.closest("colour", keys)).isEmpty();
    }
}
