package org.sparetire.tftp.policy;

import java.util.List;
import org.sparetire.core.net.Cidr;

/**
 * One filename rewrite, like a line of tftp-hpa's {@code -m} file: every match of {@code match} (a Java
 * regex, kept as text so configs compare by value) is replaced by {@code replace} ($1 for groups).
 *
 * @param clients only for these client networks; empty means every client
 * @param last    stop after this rule when it matched
 */
public record RemapRule(String match, String replace, List<Cidr> clients, boolean last) {
    public RemapRule {
        clients = List.copyOf(clients);
    }
}
