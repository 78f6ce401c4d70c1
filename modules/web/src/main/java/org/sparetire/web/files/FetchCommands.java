package org.sparetire.web.files;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.sparetire.core.net.Addresses;

/**
 * The exact lines a technician types at a device to fetch one file from this machine's TFTP server: from
 * a U-Boot prompt, an iPXE shell, a Cisco IOS/NX-OS prompt, curl and sparetire's own client. The address
 * is the one of the interface the device is cabled to, so each is filled in per interface.
 */
public final class FetchCommands {
    private static final int TFTP_PORT = 69;

    /** @param client who runs it: {@code u-boot}, {@code ipxe}, {@code cisco}, {@code curl}, {@code sparetire} */
    public record Command(String client, String text) {
    }

    private FetchCommands() {
    }

    /**
     * @param name   the file's path under the TFTP root, with '/' between folders
     * @param server this machine's address on the device's network
     * @param port   the TFTP server's port
     */
    public static List<Command> forFile(String name, InetAddress server, int port) {
        String host = Addresses.text(server);
        String urlHost = server instanceof Inet6Address ? "[" + host + "]" : host;
        String authority = port == TFTP_PORT ? urlHost : urlHost + ":" + port;
        String url = "tftp://" + authority + "/" + urlPath(name);
        String base = name.substring(name.lastIndexOf('/') + 1);
        // U-Boot's TFTP client speaks IPv4 only, and takes another server port from the tftpdstp variable.
        String uboot = server instanceof Inet6Address ? null
                : "setenv serverip " + host + "; " + (port == TFTP_PORT ? "" : "setenv tftpdstp " + port + "; ")
                + "tftpboot ${loadaddr} " + ubootWord(name);
        List<Command> commands = new java.util.ArrayList<>();
        if (uboot != null) {
            commands.add(new Command("u-boot", uboot));
        }
        commands.add(new Command("ipxe", "chain " + url));
        commands.add(new Command("cisco", "copy " + url + " flash:"));
        commands.add(new Command("curl", "curl -o " + shellWord(base) + " " + url));
        commands.add(new Command("sparetire", "sparetire tftp get " + (port == TFTP_PORT ? urlHost : authority) + " "
                + shellWord(name)));
        return List.copyOf(commands);
    }

    /** Percent-encodes everything but unreserved characters and the folder separator (RFC 3986). */
    private static String urlPath(String name) {
        StringBuilder s = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/".indexOf(c) >= 0)) {
                s.append(c);
            } else {
                s.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return s.toString();
    }

    private static boolean plain(String word) {
        return word.matches("[A-Za-z0-9._/+=:@%-]+");
    }

    private static String shellWord(String word) {
        return plain(word) ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** U-Boot's shell splits on blanks and ';' and expands $; double quotes keep a name whole. */
    private static String ubootWord(String word) {
        return plain(word) ? word : "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
    }
}
