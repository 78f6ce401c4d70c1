package org.sparetire.web.api;

import java.net.Inet4Address;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.LocalAddresses;
import org.sparetire.web.ApplianceControl;
import org.sparetire.web.codec.JsonWriter;
import org.sparetire.web.codec.WebResponse;
import org.sparetire.web.files.FetchCommands;

/**
 * "Point your device here" and the Files view: this machine's addresses and folders, the files under the
 * TFTP root with the lines that fetch each from every kind of device, and a file's SHA-256 on demand.
 * Read-only: nothing here writes a file.
 */
final class FilesApi {
    /** More files than a page can usefully show; the listing says it stopped. */
    static final int MAX_FILES = 2000;

    private FilesApi() {
    }

    /** The "here" object of /api/overview and /api/files. */
    static void bench(JsonWriter w, ApplianceControl.Bench b) {
        w.beginObject();
        w.name("addresses").beginArray();
        for (LocalAddresses.Entry a : b.addresses()) {
            w.beginObject().field("interface", a.interfaceName()).field("address", Addresses.text(a.address()))
                    .field("prefixLength", a.prefixLength()).field("ipv4", a.address() instanceof Inet4Address).endObject();
        }
        w.endArray();
        w.field("tftpPort", b.tftpPort());
        b.tftpRoot().ifPresent(p -> w.field("tftpRoot", p.toString()));
        b.uploads().ifPresent(p -> w.field("uploads", p.toString()));
        b.syslogDir().ifPresent(p -> w.field("syslogDir", p.toString()));
        w.endObject();
    }

    /** GET /api/files: every file with, per address of this machine, the commands that fetch it. */
    static CompletableFuture<WebResponse> list(ApplianceControl control) {
        ApplianceControl.Bench bench = control.bench().orElse(null);
        if (bench == null || bench.tftpRoot().isEmpty()) {
            return CompletableFuture.completedFuture(WebResponse.json("{\"enabled\":false,\"files\":[]}"));
        }
        return control.sharedFiles(MAX_FILES).thenApply(shared -> {
            JsonWriter w = new JsonWriter().beginObject().field("enabled", true);
            w.name("here");
            bench(w, bench);
            w.field("truncated", shared.truncated());
            w.name("files").beginArray();
            for (ApplianceControl.SharedFile f : shared.files()) {
                w.beginObject().field("name", f.name()).field("size", f.size())
                        .field("modified", Views.time(f.modified()));
                // One list of commands per address, in the order of here.addresses.
                w.name("commands").beginArray();
                for (LocalAddresses.Entry a : bench.addresses()) {
                    w.beginArray();
                    for (FetchCommands.Command c : FetchCommands.forFile(f.name(), a.address(), bench.tftpPort())) {
                        w.beginObject().field("client", c.client()).field("text", c.text()).endObject();
                    }
                    w.endArray();
                }
                w.endArray().endObject();
            }
            w.endArray();
            return WebResponse.json(w.endObject().toString());
        });
    }

    /** GET /api/files/sha256?name=FILE */
    static CompletableFuture<WebResponse> sha256(ApplianceControl control, String name) {
        if (name == null || name.isEmpty()) {
            return CompletableFuture.completedFuture(WebResponse.error(400, "name the file: ?name=FILE"));
        }
        return control.sha256(name).thenApply(hash -> hash
                .map(h -> WebResponse.json(new JsonWriter().beginObject().field("name", name).field("sha256", h)
                        .endObject().toString()))
                .orElseGet(() -> WebResponse.error(404, "no such file: " + name)));
    }
}
