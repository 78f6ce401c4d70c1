package org.sparetire.tftp.transport;

import io.netty.channel.epoll.EpollDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Request;

/**
 * The TFTP server's sockets: a listener for requests, and per transfer either its own socket (its own
 * TID, RFC 1350 section 4) or, in single-port mode, the listener itself with transfers told apart by the
 * client's address and port. Thin: the {@link TransferPlanner} decides what a request leads to; this
 * sends the refusal or gives the planned transfer its socket.
 *
 * <p>On Linux a lockstep read gets a thread of its own while one of {@link LockstepThreads} is free
 * ({@link LockstepSocket}: one send and one receive system call per block, as atftpd and tftp-hpa); other
 * transfers, and lockstep reads beyond that, run on the event loops.
 */
public final class TftpServer {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.tftp");

    private final ServerSockets sockets;
    private final LiveTransfers transfers;
    private final TransferPlanner planner;
    private final TransferRuntime runtime;
    /** Null where the native transport is not there (Windows, macOS): every transfer runs on the event loops. */
    private final LockstepThreads lockstep;
    private final List<RequestSocket> listeners = new ArrayList<>();
    private volatile ServerSettings settings;
    private volatile RequestSocket current;

    public TftpServer(NetRuntime net, EventBus events, Clock clock) {
        this.sockets = new ServerSockets(net);
        this.transfers = new LiveTransfers(events);
        this.planner = new TransferPlanner(clock, events::nextTransferId);
        this.runtime = new TransferRuntime(clock, events, transfers, new Segmentation());
        this.lockstep = net.datagramChannel() == EpollDatagramChannel.class
                ? new LockstepThreads(LockstepThreads.defaultMax()) : null;
    }

    /** Binds the request socket; on failure nothing stays bound. */
    public synchronized void start(InetSocketAddress address, boolean freeBind, ServerSettings initial)
            throws ServiceStartException {
        settings = initial;
        current = bindListener(address, freeBind);
    }

    private RequestSocket bindListener(InetSocketAddress address, boolean freeBind) throws ServiceStartException {
        RequestSocket l = sockets.bindRequests(address, freeBind, requestHandler());
        listeners.add(l);
        return l;
    }

    /** The handler of a request socket, which it is told once bound. */
    RequestHandler requestHandler() {
        return new RequestHandler(this::onRequest, transfers);
    }

    /** New transfers use these settings; running ones keep theirs. */
    public void update(ServerSettings next) {
        settings = next;
    }

    /** Moves the request socket; the old one keeps serving its single-port transfers until they end. */
    public synchronized void rebind(InetSocketAddress address, boolean freeBind) throws ServiceStartException {
        RequestSocket next = bindListener(address, freeBind);
        RequestSocket old = current;
        current = next;
        old.retire();
    }

    public InetSocketAddress localAddress() {
        return current.local;
    }

    public int activeTransfers() {
        return transfers.running();
    }

    public long servedTransfers() {
        return transfers.served();
    }

    /** Stops taking requests, lets transfers finish for at most {@code grace}, then aborts the rest. */
    public void stop(Duration grace) {
        List<RequestSocket> all;
        synchronized (this) {
            all = List.copyOf(listeners);
            for (RequestSocket l : all) {
                l.stopTakingRequests();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!transfers.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (TransferContext t : transfers.snapshot()) {
            awaitAtMost(t.runSoon(() -> t.abort("server shutting down")), 2000);
        }
        for (RequestSocket l : all) {
            l.channel.close().awaitUninterruptibly(2000);
        }
        synchronized (this) {
            listeners.clear();
        }
    }

    /** Runs on the request socket's event loop. */
    private void onRequest(RequestSocket l, Request req, InetSocketAddress peer) {
        ServerSettings s = settings;
        TransferContext existing = transfers.byPeer(peer);
        TransferPlanner.Decision d = planner.decide(req, peer, existing, s);
        if (d instanceof TransferPlanner.RateLimited) {
            log.debug("tftp request dropped: peer={} over its request rate", Addresses.format(peer));
        } else if (d instanceof TransferPlanner.Refused r) {
            supersede(existing, r.supersedes());
            if (s.singlePort()) {
                l.channel.writeAndFlush(TransferSender.datagram(l.channel,
                        new ErrorPacket(r.refusal().code(), r.refusal().message()), peer));
            } else {
                sockets.refuseFromNewPort(l, peer, r.refusal());
            }
            transfers.finished(r.outcome());
        } else if (d instanceof TransferPlanner.Planned p) {
            supersede(existing, p.supersedes());
            start(l, p.plan());
        }
        // Repeated: the running transfer's own retransmission answers it.
    }

    private static void supersede(TransferContext old, boolean supersedes) {
        if (supersedes) {
            old.runSoon(() -> old.abort("superseded by a new request"));
        }
    }

    /** Waits for the task, but never longer than the limit; null is a task that never ran. */
    private static void awaitAtMost(Future<?> task, long millis) {
        if (task == null) {
            return;
        }
        try {
            task.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("tftp transfer did not stop cleanly: {}", e.toString());
        }
    }

    private void start(RequestSocket l, TransferPlan plan) {
        TransferContext t = new TransferContext(plan, runtime);
        transfers.add(t);
        if (plan.settings().singlePort()) {
            l.transferStarted();
            t.attach(l.channel, l);
            t.start();
            return;
        }
        if (lockstep != null && LockstepSocket.fits(plan) && lockstep.tryRun(new LockstepSocket(t, plan, lockstep,
                l.local.getAddress(), () -> sockets.bindTransfer(l, t, plan.settings())))) {
            return;
        }
        sockets.bindTransfer(l, t, plan.settings());
    }
}
