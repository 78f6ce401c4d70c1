package org.sparetire.web.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void writesNestedValuesWithCommasInTheRightPlaces() {
        String json = new JsonWriter().beginObject()
                .field("a", 1).field("b", "x").name("c").beginArray().value(1.5).value(true).nullValue()
                .beginObject().endObject().endArray().field("d", (String) null).field("e", Double.NaN)
                .endObject().toString();
        assertThat(json).isEqualTo("{\"a\":1,\"b\":\"x\",\"c\":[1.5,true,null,{}],\"d\":null,\"e\":null}");
    }

    @Test
    void deviceTextCannotBreakOutOfAStringOrAScript() throws Exception {
        String nasty = "\"quoted\" \\ </script><b>&\n\r\t\u0000\u001f\u007f\u2028 é ✓";
        String json = new JsonWriter().beginObject().field("m", nasty).endObject().toString();
        assertThat(json).doesNotContain("</script>").doesNotContain("<b>").doesNotContain("\n");
        assertThat(new ObjectMapper().readTree(json).get("m").asText()).isEqualTo(nasty);
    }

    @Test
    void refusesToRenderAnUnfinishedDocument() {
        JsonWriter w = new JsonWriter().beginObject();
        assertThatThrownBy(w::toString).isInstanceOf(IllegalStateException.class);
    }
}
