// A real PostgreSQL (PGlite, in this process) behind a TCP port, so the real `pg` client — and the CLI in a child
// process — talk to it over the PostgreSQL wire protocol exactly as they talk to a server. PGlite speaks the
// protocol itself (`execProtocolRaw`, startup and authentication included); this only frames the byte stream into
// whole messages and answers them in order, one connection at a time (PGlite has one session).
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

export interface PgliteServer {
  db: PGlite;
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  url: string;
  close(): Promise<void>;
}

export async function startPgliteServer(): Promise<PgliteServer> {
  const db = new PGlite();
  await db.waitReady;
  let busy: Promise<void> = Promise.resolve();
  const server: Server = createServer((socket) => {
    // Sessions one after another: the next waits for the one before to close.
    busy = busy.then(() => serve(db, socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    db,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** One client session: whole messages in, PGlite's answers out, until the socket closes. */
function serve(db: PGlite, socket: Socket): Promise<void> {
  return new Promise<void>((done) => {
    let pending = Buffer.alloc(0);
    let started = false;
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        // The startup message (and an SSL request) has no type byte: length first. Every later one: type, length.
        const head = started ? 1 : 0;
        if (pending.length < head + 4) break;
        const size = head + pending.readInt32BE(head);
        if (pending.length < size) break;
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        const sslRequest = !started && size === 8 && message.readInt32BE(4) === 80877103;
        if (!sslRequest) started = true;
        chain = chain.then(async () => {
          if (sslRequest) return void socket.write('N'); // no TLS here: the client goes on in plain text
          const answer = await db.execProtocolRaw(new Uint8Array(message));
          if (answer.length > 0 && socket.writable) socket.write(Buffer.from(answer));
        });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => void chain.finally(done));
  });
}
