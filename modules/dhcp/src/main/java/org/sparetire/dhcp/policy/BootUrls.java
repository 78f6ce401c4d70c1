package org.sparetire.dhcp.policy;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Boot files that are URLs (UEFI HTTP Boot, iPXE chaining to http:// scripts). The URL must name the
 * server as the client can reach it, which is the address of the interface the request came in on, so a
 * boot file may say {@value #SERVER} and each reply fills in that address.
 */
public final class BootUrls {
    /** Replaced by this server's address on the client's interface: {@code http://{server}:8070/ipxe.efi}. */
    public static final String SERVER = "{server}";
    /** The longest text {@value #SERVER} can become, for the BOOTP file field's length check. */
    public static final String LONGEST_ADDRESS = "255.255.255.255";
    /**
     * UEFI 2.5+ section 24.7 (HTTP Boot): the client sends option 60 "HTTPClient:Arch:xxxxx:UNDI:..." and
     * takes only offers that carry "HTTPClient" in option 60 back.
     */
    public static final String HTTP_CLIENT = "HTTPClient";

    private BootUrls() {
    }

    public static String expand(String bootFile, String serverAddress) {
        return bootFile == null ? null : bootFile.replace(SERVER, serverAddress);
    }

    public static String expand(String bootFile, InetAddress server) {
        return expand(bootFile, server.getHostAddress());
    }

    public static boolean isHttp(String bootFile) {
        if (bootFile == null) {
            return false;
        }
        String f = bootFile.toLowerCase(Locale.ROOT);
        return f.startsWith("http://") || f.startsWith("https://");
    }

    /** A UEFI HTTP Boot client, by its option 60. */
    public static boolean isHttpClient(String vendorClass) {
        return vendorClass != null && vendorClass.regionMatches(true, 0, HTTP_CLIENT, 0, HTTP_CLIENT.length());
    }
}
