package org.sparetire.core.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.net.Cidr;

/** A section shaped like a real service's, to exercise the binding toolkit without depending on one. */
record DemoSection(boolean enabled, InetAddress bind, int port, Path root, Duration timeout, long maxSize,
                   Mode mode, List<Cidr> allow, List<Range> ranges) {

    enum Mode { READ_ONLY, READ_WRITE }

    record Range(InetAddress from, InetAddress to) {
    }

    static final SectionKey<DemoSection> SECTION = new SectionKey<>("demo", DemoSection::bind);

    static DemoSection bind(ConfigMapping m) {
        boolean enabled = m.bool("enabled", true);
        InetAddress bind = m.address("bind", InetAddress.getLoopbackAddress());
        int port = m.port("port", 69);
        Path root = m.value("root").flatMap(ConfigValue::asExistingDirectory).orElse(Path.of("/"));
        Duration timeout = m.duration("timeout", Duration.ofSeconds(1));
        long maxSize = m.size("max-size", 1 << 20);
        Mode mode = m.choice("mode", Mode.class, Mode.READ_ONLY);
        List<Cidr> allow = m.cidrs("allow", List.of());
        List<Range> ranges = m.mappings("ranges").stream()
                .map(r -> new Range(r.address("from", null), r.address("to", null)))
                .toList();
        return new DemoSection(enabled, bind, port, root, timeout, maxSize, mode, allow, ranges);
    }
}
