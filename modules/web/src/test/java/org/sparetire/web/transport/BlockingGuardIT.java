package org.sparetire.web.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.testkit.BlockingGuard;
import org.sparetire.testkit.BlockingGuardExtension;

/**
 * The guard itself: BlockHound is installed in the test JVM, and a handler that sleeps on its event loop
 * is caught and fails the test that ran it. An IT, so it runs in both of scripts/test's transport passes.
 */
class BlockingGuardIT {

    /** What a careless handler does: waits on the event loop before answering. */
    private static final class SleepyHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) throws Exception {
            Thread.sleep(5);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'!'}));
        }
    }

    @Test
    void aHandlerThatSleepsOnTheEventLoopFailsTheTest() throws Exception {
        assertThat(BlockingGuard.installed()).as("BlockHound installed with the testkit's guard").isTrue();
        BlockingGuard.takeViolations();
        try (NetRuntime net = NetRuntime.fromSystemProperty()) {
            Channel server = new ServerBootstrap().group(net.group()).channel(net.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new SleepyHandler());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(server.localAddress());
                client.setSoTimeout(5000);
                client.getOutputStream().write('?');
                InputStream in = client.getInputStream();
                assertThat(in.read()).isEqualTo('!');
            } finally {
                server.close().sync();
            }
        }
        List<String> found = BlockingGuard.takeViolations();
        assertThat(found).as("the sleep on the event loop was seen").anySatisfy(v -> assertThat(v)
                .contains("java.lang.Thread.sleep").contains(SleepyHandler.class.getName()));

        // Ordinary threads may block: only event loops are watched.
        Thread plain = new Thread(() -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        plain.start();
        plain.join();
        assertThat(BlockingGuard.takeViolations()).isEmpty();

        // The extension that runs after every test turns such a record into a failure.
        try (NetRuntime net = NetRuntime.fromSystemProperty()) {
            net.group().next().submit(() -> {
                Thread.sleep(1);
                return null;
            }).await();
        }
        assertThatThrownBy(() -> new BlockingGuardExtension().afterEach(null))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("blocking call on an event-loop thread")
                .hasMessageContaining("java.lang.Thread.sleep");
    }
}
