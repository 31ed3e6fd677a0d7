import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets in-flight requests finish, and resolves within the timeout.
 * Idle keep-alive sockets are closed at once so they do not hold the process open.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
