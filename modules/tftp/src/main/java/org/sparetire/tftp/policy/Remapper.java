package org.sparetire.tftp.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.sparetire.core.net.Cidr;

/** Rewrites requested names before the jail sees them. Compiled once per configuration. */
public final class Remapper {
    private record Compiled(Pattern pattern, String replace, List<Cidr> clients, boolean last) {
    }

    private final boolean backslashToSlash;
    private final List<Compiled> rules;

    public Remapper(boolean backslashToSlash, List<RemapRule> rules) {
        this.backslashToSlash = backslashToSlash;
        this.rules = rules.stream()
                .map(r -> new Compiled(Pattern.compile(r.match()), r.replace(), r.clients(), r.last())).toList();
    }

    public String apply(String name, InetAddress client) {
        // Windows PXE (bootmgr) asks for "\Boot\BCD"; the tree on disk uses "/".
        String result = backslashToSlash ? name.replace('\\', '/') : name;
        for (Compiled rule : rules) {
            if (!rule.clients().isEmpty() && rule.clients().stream().noneMatch(c -> c.contains(client))) {
                continue;
            }
            java.util.regex.Matcher m = rule.pattern().matcher(result);
            if (m.find()) {
                result = m.replaceAll(rule.replace());
                if (rule.last()) {
                    break;
                }
            }
        }
        return result;
    }
}
