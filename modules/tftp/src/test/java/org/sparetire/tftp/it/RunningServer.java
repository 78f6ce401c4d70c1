package org.sparetire.tftp.it;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.TestServices;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.TftpConfigBuilder;
import org.sparetire.tftp.TftpService;

/** A TftpService on 127.0.0.1, port 0, with an event recorder; closes everything it started. */
public final class RunningServer implements AutoCloseable {
    public final ServiceContext context;
    public final TftpService service;
    public final EventRecorder events;
    public final TftpConfig config;

    public RunningServer(Path root, UnaryOperator<TftpConfigBuilder> adjust) throws Exception {
        this(root, adjust, TestServices.context());
    }

    public RunningServer(Path root, UnaryOperator<TftpConfigBuilder> adjust, ServiceContext context) throws Exception {
        this.context = context;
        this.config = adjust.apply(TftpConfigBuilder.defaults(root).withBind(InetAddress.getByName("127.0.0.1"), 0)).build();
        this.service = new TftpService(config, context);
        this.events = new EventRecorder(context.events());
        service.start();
    }

    public int port() {
        return service.health().port("udp", "tftp");
    }

    @Override
    public void close() {
        service.stop(Duration.ofSeconds(1));
        events.close();
        context.net().close();
    }

    public static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
