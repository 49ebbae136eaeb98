/**
 * Reassembles one TPKT frame (RFC 1006: version 3, reserved 0, big-endian total length) from TCP chunks.
 * TCP may deliver the Connection Confirm in pieces; the reader decides as early as the bytes allow, so a
 * non-RDP program is named on its first byte and a lying length is caught before any more waiting.
 */
import { TPKT_HEADER_BYTES, TPKT_VERSION } from './x224';

export type TpktReadState =
  /** Waiting for more bytes; `announced` is the TPKT length once the header is complete. */
  | { kind: 'incomplete'; received: number; announced: number | null }
  | { kind: 'frame'; frame: Buffer; rest: Buffer }
  /** The first bytes are not a TPKT header: the peer speaks something else. */
  | { kind: 'not-tpkt'; bytes: Buffer }
  | { kind: 'oversized'; announced: number; limit: number }
  /** A length smaller than the header itself can never delimit a frame. */
  | { kind: 'undersized'; announced: number };

export class TpktFrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): TpktReadState {
    this.buffered = this.buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffered, chunk]);
    return this.state();
  }

  state(): TpktReadState {
    const bytes = this.buffered;
    if (bytes.length >= 1 && bytes[0] !== TPKT_VERSION) return { kind: 'not-tpkt', bytes };
    if (bytes.length >= 2 && bytes[1] !== 0) return { kind: 'not-tpkt', bytes };
    if (bytes.length < TPKT_HEADER_BYTES) return { kind: 'incomplete', received: bytes.length, announced: null };
    const announced = bytes.readUInt16BE(2);
    if (announced < TPKT_HEADER_BYTES) return { kind: 'undersized', announced };
    if (announced > this.maxFrameBytes) return { kind: 'oversized', announced, limit: this.maxFrameBytes };
    if (bytes.length < announced) return { kind: 'incomplete', received: bytes.length, announced };
    return { kind: 'frame', frame: bytes.subarray(0, announced), rest: bytes.subarray(announced) };
  }
}
