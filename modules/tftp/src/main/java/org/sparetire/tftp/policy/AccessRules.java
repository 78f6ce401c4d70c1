package org.sparetire.tftp.policy;

import java.net.InetAddress;
import java.util.List;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.net.Cidr;

/** Which client networks may read and which may write. */
public record AccessRules(List<Cidr> read, List<Cidr> write) {
    public static final List<Cidr> EVERYONE = List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0"));

    public AccessRules {
        read = List.copyOf(read);
        write = List.copyOf(write);
    }

    public boolean allows(TransferDirection direction, InetAddress client) {
        List<Cidr> list = direction == TransferDirection.READ ? read : write;
        for (Cidr c : list) {
            if (c.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
