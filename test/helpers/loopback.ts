import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` listening on a free loopback port (127.0.0.1); resolves to that port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Closes `server` at once, dropping the connections it still holds (a stub that never answers, a client kept alive). */
export function closeNow(server: Server): void {
  server.closeAllConnections();
  server.close();
}
