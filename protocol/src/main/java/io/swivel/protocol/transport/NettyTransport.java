package io.swivel.protocol.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport to use on this machine: native epoll when it is available, NIO
 * otherwise. Client and server pick through here so they agree.
 *
 * @param name "epoll" or "nio"
 * @param ioHandlerFactory creates the I/O handlers of an event loop group
 * @param serverChannelClass the server socket channel type
 * @param channelClass the client socket channel type
 */
public record NettyTransport(String name, IoHandlerFactory ioHandlerFactory,
                             Class<? extends ServerChannel> serverChannelClass,
                             Class<? extends SocketChannel> channelClass) {

    /**
     * The best transport available here.
     *
     * @return epoll on Linux with the native library, NIO otherwise
     */
    public static NettyTransport best() {
        if (!Boolean.getBoolean("swivel.transport.nio") && Epoll.isAvailable()) {
            return new NettyTransport("epoll", EpollIoHandler.newFactory(),
                    EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return nio();
    }

    /**
     * The portable NIO transport.
     *
     * @return NIO
     */
    public static NettyTransport nio() {
        return new NettyTransport("nio", NioIoHandler.newFactory(),
                NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /**
     * Creates an event loop group of daemon threads.
     *
     * @param threads the number of event loops; 0 for Netty's default
     * @param threadName the threads' name prefix
     * @return the group
     */
    public EventLoopGroup newGroup(int threads, String threadName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
    }
}
