package io.tkv.client;

import io.aeron.Aeron;
import io.aeron.ConcurrentPublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Aeron resources of one client: an embedded media driver (unless an external one is named), an Aeron client
 * in conductor-invoker mode, the egress subscription every store replies on, with its ephemeral port resolved, and
 * the ingress publications to the stores, added as the {@link StoreConnections} ask. The embedded driver runs in
 * {@link ThreadingMode#INVOKER} mode: the poller's duty cycle runs it, so a request is on the wire as soon as the
 * caller wakes the poller, rather than when a separate driver thread next wakes from its idle park, and the client
 * costs one thread, not two.
 */
final class ClientTransport implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Subscription egress;
    private final String resolvedEgressChannel;
    private final String aeronDirectoryName;
    private final boolean embedded;
    private final int ingressStreamId;
    private final ErrorHandler errorHandler;
    private volatile Consumer<Image> imageLossListener;

    private ClientTransport(final ClientConfig ctx, final long deadlineNs) {
        embedded = ctx.aeronDirectoryName() == null;
        errorHandler = ctx.errorHandler();
        aeronDirectoryName = embedded ? ctx.embeddedAeronDirectoryName() : ctx.aeronDirectoryName();
        MediaDriver launched = null;
        Aeron connected = null;
        try {
            if (embedded) {
                launched = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(aeronDirectoryName)
                    .threadingMode(ThreadingMode.INVOKER)
                    .publicationTermBufferLength(ctx.embeddedDriverTermLengthBytes())
                    .ipcTermBufferLength(ctx.embeddedDriverTermLengthBytes())
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .warnIfDirectoryExists(false)
                    .errorHandler(ctx.errorHandler()));
            }
            final AgentInvoker driverInvoker = launched == null ? null : launched.sharedAgentInvoker();
            if (driverInvoker != null && !driverInvoker.isStarted()) {
                driverInvoker.start();
            }
            connected = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .driverAgentInvoker(driverInvoker)
                .clientName(ctx.clientName())
                .useConductorAgentInvoker(true)
                .errorHandler(ctx.errorHandler()));
            driver = launched;
            aeron = connected;
            egress = aeron.addSubscription(ctx.egressChannel(), ctx.egressStreamId(), null, this::onUnavailableImage);
            resolvedEgressChannel = resolveEgressChannel(egress, aeron.conductorAgentInvoker(), driverInvoker,
                deadlineNs);
            ingressStreamId = ctx.ingressStreamId();
        } catch (final RuntimeException ex) {
            CloseHelper.quietCloseAll(connected, launched);
            if (embedded) {
                IoUtil.delete(new File(aeronDirectoryName), true);
            }
            throw ex;
        }
    }

    /**
     * @param ctx        concluded.
     * @param deadlineNs by when the egress endpoint must be bound ({@link System#nanoTime()} clock).
     * @return the open transport.
     */
    static ClientTransport open(final ClientConfig ctx, final long deadlineNs) {
        return new ClientTransport(ctx, deadlineNs);
    }

    /** Who hears that an egress image went away; runs on the thread that invokes the Aeron conductor. */
    void imageLossListener(final Consumer<Image> listener) {
        this.imageLossListener = listener;
    }

    AgentInvoker aeronInvoker() {
        return aeron.conductorAgentInvoker();
    }

    /**
     * After the poller stopped: runs the embedded driver for a little while (at most {@code maxMs}), so what was just
     * offered (the Disconnects of a close) leaves before the driver goes; the poller's duty cycle ran it until now.
     * An external driver sends by itself: nothing to do.
     */
    void flushEmbeddedDriver(final long maxMs) {
        final AgentInvoker driverInvoker = driverInvoker();
        if (driverInvoker == null) {
            return;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        final IdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (System.nanoTime() - deadlineNs < 0) {
            final int work = driverInvoker.invoke() + aeron.conductorAgentInvoker().invoke();
            idle.idle(work);
        }
    }

    /** @return the embedded driver's invoker, which the poller must run, or null with an external driver. */
    AgentInvoker driverInvoker() {
        return driver == null ? null : driver.sharedAgentInvoker();
    }

    /**
     * Adds an ingress publication and waits for the driver to confirm it (not for it to connect).
     *
     * @param channel a store's ingress channel.
     * @return the publication.
     */
    ConcurrentPublication addIngress(final String channel) {
        return aeron.addPublication(channel, ingressStreamId);
    }

    /**
     * Starts adding an ingress publication without waiting (for the poller, which must not block).
     *
     * @param channel a store's ingress channel.
     * @return the registration id to pass to {@link #ingressIfReady(long)}.
     */
    long asyncAddIngress(final String channel) {
        return aeron.asyncAddPublication(channel, ingressStreamId);
    }

    /**
     * @param registrationId from {@link #asyncAddIngress(String)}.
     * @return the publication once the driver added it, else null.
     * @throws io.aeron.exceptions.RegistrationException if the driver refused it.
     */
    ConcurrentPublication ingressIfReady(final long registrationId) {
        return aeron.getPublication(registrationId);
    }

    Subscription egress() {
        return egress;
    }

    /** @return the egress channel with its real port, as sent to the store in Connect. */
    String resolvedEgressChannel() {
        return resolvedEgressChannel;
    }

    String aeronDirectoryName() {
        return aeronDirectoryName;
    }

    /** Closes Aeron and the embedded driver and deletes the embedded driver's directory. */
    @Override
    public void close() {
        CloseHelper.closeAll(errorHandler, aeron, driver);
        if (embedded) {
            IoUtil.delete(new File(aeronDirectoryName), true);
        }
    }

    private void onUnavailableImage(final Image image) {
        final Consumer<Image> listener = imageLossListener;
        if (listener != null) {
            listener.accept(image);
        }
    }

    /** The egress channel may ask for port 0; the store must be told the port the driver really bound. */
    private static String resolveEgressChannel(
        final Subscription subscription, final AgentInvoker invoker, final AgentInvoker driverInvoker,
        final long deadlineNs) {
        final IdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (true) {
            final String resolved = subscription.tryResolveChannelEndpointPort();
            if (resolved != null) {
                return resolved;
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                throw new TkvTimeoutException("egress channel " + subscription.channel() + " did not bind in time");
            }
            if (driverInvoker != null) {
                driverInvoker.invoke();
            }
            invoker.invoke();
            idle.idle();
        }
    }
}
