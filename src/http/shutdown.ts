import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets in-flight requests finish, and resolves within the timeout.
 * Keep-alive sockets that fall idle (including those whose request just finished) are closed as
 * they do, so they do not hold the process open until their keep-alive timeout.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const done = () => {
      clearInterval(sweeper);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      server.closeAllConnections();
      done();
    }, timeoutMs);
    timer.unref();
    sweeper.unref();
    server.close(done);
    server.closeIdleConnections();
  });
}
