package org.sparetire.core.lifecycle;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.net.BindFailures;

/** A real UDP service for lifecycle tests: binds 127.0.0.1 on its configured port and records what happens. */
final class UdpTestService implements Service<UdpTestService.Config> {

    record Config(boolean enabled, int port, String greeting) {
        static Config bind(ConfigMapping m) {
            return new Config(m.bool("enabled", true), m.port("port", 0), m.string("greeting", "hello"));
        }
    }

    static SectionKey<Config> section(String name) {
        return new SectionKey<>(name, Config::bind);
    }

    private final String name;
    private final ServiceContext context;
    private final List<String> journal;
    private Config config;
    private Channel channel;
    private ServiceState state = ServiceState.NEW;

    UdpTestService(String name, Config config, ServiceContext context, List<String> journal) {
        this.name = name;
        this.config = config;
        this.context = context;
        this.journal = journal;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws ServiceStartException {
        state = ServiceState.STARTING;
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", config.port());
        try {
            channel = new Bootstrap().group(context.net().group()).channel(context.net().datagramChannel())
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        }
                    })
                    .bind(address).sync().channel();
        } catch (Exception e) {
            state = ServiceState.FAILED;
            throw new ServiceStartException(BindFailures.describe(address, name + ".port", e), e);
        }
        state = ServiceState.RUNNING;
        journal.add(name + " started");
    }

    @Override
    public void reconfigure(Config newConfig) {
        journal.add(name + " reconfigured " + newConfig.greeting());
        config = newConfig;
    }

    @Override
    public void stop(Duration grace) {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
            journal.add(name + " stopped");
        }
        state = ServiceState.TERMINATED;
    }

    @Override
    public ServiceHealth health() {
        List<ServiceHealth.Endpoint> endpoints = channel == null ? List.of()
                : List.of(new ServiceHealth.Endpoint("udp", name, (InetSocketAddress) channel.localAddress()));
        return new ServiceHealth(state, endpoints, "");
    }
}
