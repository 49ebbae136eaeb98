/**
 * Owns a connected TCP socket for the whole probe and hands its bytes to one reader at a time: first the
 * Connection Confirm reader, then the TLS client. Bytes that arrive between the two (or after a close) are
 * kept, not lost, and how the server ended the connection (FIN or RST) is recorded exactly once, because
 * that distinction is the diagnosis.
 */
import type { Socket } from 'node:net';

export type PeerClose = { how: 'fin' } | { how: 'reset'; error: NodeJS.ErrnoException };

export interface ByteSink {
  data(chunk: Buffer): void;
  closed(close: PeerClose): void;
}

export class ByteChannel {
  private pending: Buffer[] = [];
  private close: PeerClose | null = null;
  private sink: ByteSink | null = null;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.sink) this.sink.data(chunk);
      else this.pending.push(chunk);
    });
    socket.on('end', () => this.recordClose({ how: 'fin' }));
    // Any socket error after connect ends the conversation; ECONNRESET is the common one, EPIPE follows a
    // write into a connection the server already reset.
    socket.on('error', (error: NodeJS.ErrnoException) => this.recordClose({ how: 'reset', error }));
  }

  /** Delivers what arrived meanwhile first; a sink may detach itself while being fed (a frame completed). */
  attach(sink: ByteSink): void {
    this.sink = sink;
    while (this.sink === sink && this.pending.length > 0) {
      const chunk = this.pending.shift();
      if (chunk) sink.data(chunk);
    }
    if (this.sink !== sink) return;
    if (this.close) sink.closed(this.close);
    if (this.sink === sink) this.socket.resume();
  }

  /** Stops delivery; the socket is paused so nothing more is read until the next reader attaches. */
  detach(): void {
    this.sink = null;
    this.socket.pause();
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  /** Half-closes: FIN after whatever is still queued, while the server's bytes and its own close still arrive. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Whether the server has ended the connection (FIN or RST). */
  peerClosed(): boolean {
    return this.close !== null;
  }

  destroy(): void {
    this.sink = null;
    this.socket.destroy();
  }

  private recordClose(close: PeerClose): void {
    if (this.close) return;
    this.close = close;
    this.sink?.closed(close);
  }
}
