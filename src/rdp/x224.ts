/**
 * X.224 connection setup as RDP uses it (MS-RDPBCGR 2.2.1.1 Client X.224 Connection Request PDU and
 * 2.2.1.2 Server X.224 Connection Confirm PDU), carried in TPKT (RFC 1006). Pure: bytes in, values out.
 * TPKT lengths are big-endian; the RDP_NEG_* fields are little-endian.
 */
import type { RdpSelectedProtocol } from '../domain/rdpProbe';

export const TPKT_VERSION = 0x03;
export const TPKT_HEADER_BYTES = 4;
/** TPKT header + the fixed X.224 CC header without negotiation data: what a pre-negotiation server sends. */
export const LEGACY_CONFIRM_BYTES = 11;
/** A Connection Confirm is 11 or 19 bytes; anything announced beyond this is not one. */
export const MAX_CONFIRM_BYTES = 512;

const X224_CONNECTION_REQUEST = 0xe0;
const X224_CONNECTION_CONFIRM = 0xd0;
const X224_FIXED_HEADER_BYTES = 7; // LI, code, DST-REF(2), SRC-REF(2), class option

const TYPE_RDP_NEG_REQ = 0x01;
const TYPE_RDP_NEG_RSP = 0x02;
const TYPE_RDP_NEG_FAILURE = 0x03;
const RDP_NEG_DATA_BYTES = 8;

export const PROTOCOL_RDP = 0x00000000;
export const PROTOCOL_SSL = 0x00000001;
export const PROTOCOL_HYBRID = 0x00000002;
export const PROTOCOL_RDSTLS = 0x00000004;
export const PROTOCOL_HYBRID_EX = 0x00000008;
export const PROTOCOL_RDSAAD = 0x00000010;

/** Every protocol that starts with a TLS handshake on the same socket. */
export const TLS_BASED_PROTOCOLS = PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_RDSTLS | PROTOCOL_HYBRID_EX | PROTOCOL_RDSAAD;

const NEGOTIATION_FAILURE_NAMES: Readonly<Record<number, string>> = {
  1: 'SSL_REQUIRED_BY_SERVER',
  2: 'SSL_NOT_ALLOWED_BY_SERVER',
  3: 'SSL_CERT_NOT_ON_SERVER',
  4: 'INCONSISTENT_FLAGS',
  5: 'HYBRID_REQUIRED_BY_SERVER',
  6: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
};

export function negotiationFailureName(code: number): string {
  return NEGOTIATION_FAILURE_NAMES[code] ?? `UNKNOWN_FAILURE_0x${code.toString(16).padStart(2, '0')}`;
}

/** Servers select exactly one protocol; a value with several bits set is reported as UNKNOWN. */
export function selectedProtocolName(selected: number): RdpSelectedProtocol {
  switch (selected) {
    case PROTOCOL_RDP:
      return 'RDP';
    case PROTOCOL_SSL:
      return 'SSL';
    case PROTOCOL_HYBRID:
      return 'HYBRID';
    case PROTOCOL_RDSTLS:
      return 'RDSTLS';
    case PROTOCOL_HYBRID_EX:
      return 'HYBRID_EX';
    case PROTOCOL_RDSAAD:
      return 'RDSAAD';
    default:
      return 'UNKNOWN';
  }
}

export interface ConnectionRequestOptions {
  requestedProtocols: number;
  /** Goes into `Cookie: mstshash=<value>\r\n`; mstsc puts the user name there. */
  mstshashCookie?: string;
}

/** Printable ASCII without spaces: anything else could end the cookie line early or forge a second one. */
export function isValidMstshashCookie(value: string): boolean {
  return /^[\x21-\x7e]{1,127}$/.test(value);
}

export function buildConnectionRequest(options: ConnectionRequestOptions): Buffer {
  if (options.mstshashCookie !== undefined && !isValidMstshashCookie(options.mstshashCookie)) {
    throw new RangeError('mstshash cookie must be 1-127 printable ASCII characters without spaces');
  }
  const cookie =
    options.mstshashCookie === undefined ? Buffer.alloc(0) : Buffer.from(`Cookie: mstshash=${options.mstshashCookie}\r\n`, 'latin1');
  const negReq = Buffer.alloc(RDP_NEG_DATA_BYTES);
  negReq.writeUInt8(TYPE_RDP_NEG_REQ, 0);
  negReq.writeUInt8(0, 1); // flags: no restricted admin / redirected authentication / correlation info
  negReq.writeUInt16LE(RDP_NEG_DATA_BYTES, 2);
  negReq.writeUInt32LE(options.requestedProtocols >>> 0, 4);

  const x224 = Buffer.alloc(X224_FIXED_HEADER_BYTES);
  // The length indicator counts the header bytes after itself, variable part included.
  x224.writeUInt8(X224_FIXED_HEADER_BYTES - 1 + cookie.length + negReq.length, 0);
  x224.writeUInt8(X224_CONNECTION_REQUEST, 1);
  x224.writeUInt16BE(0, 2);
  x224.writeUInt16BE(0, 4);
  x224.writeUInt8(0, 6);

  const total = TPKT_HEADER_BYTES + x224.length + cookie.length + negReq.length;
  const tpkt = Buffer.alloc(TPKT_HEADER_BYTES);
  tpkt.writeUInt8(TPKT_VERSION, 0);
  tpkt.writeUInt8(0, 1);
  tpkt.writeUInt16BE(total, 2);
  return Buffer.concat([tpkt, x224, cookie, negReq]);
}

export type ConnectionRequest =
  | { kind: 'request'; requestedProtocols: number; cookie: string | null }
  | { kind: 'invalid'; problem: string };

/**
 * Parses a Connection Request; the server side of the exchange (the simulated endpoint, fault listeners).
 * A request without RDP_NEG_REQ asks for standard RDP security (requestedProtocols 0).
 */
export function parseConnectionRequest(frame: Buffer): ConnectionRequest {
  if (frame.length < LEGACY_CONFIRM_BYTES || frame[0] !== TPKT_VERSION || frame[1] !== 0) {
    return { kind: 'invalid', problem: 'not a TPKT frame large enough for a Connection Request' };
  }
  if (frame.readUInt16BE(2) !== frame.length || TPKT_HEADER_BYTES + 1 + frame[4] !== frame.length) {
    return { kind: 'invalid', problem: 'TPKT length and X.224 length indicator disagree with the frame' };
  }
  if ((frame[5] & 0xf0) !== X224_CONNECTION_REQUEST) return { kind: 'invalid', problem: 'not an X.224 Connection Request' };
  let variable = frame.subarray(TPKT_HEADER_BYTES + X224_FIXED_HEADER_BYTES);
  let cookie: string | null = null;
  const lineEnd = variable.indexOf('\r\n', 0, 'latin1');
  if (variable.subarray(0, 8).toString('latin1') === 'Cookie: ' && lineEnd >= 0) {
    cookie = variable.subarray(0, lineEnd).toString('latin1').slice('Cookie: '.length);
    variable = variable.subarray(lineEnd + 2);
  }
  if (variable.length === 0) return { kind: 'request', requestedProtocols: PROTOCOL_RDP, cookie };
  if (variable.length !== RDP_NEG_DATA_BYTES || variable[0] !== TYPE_RDP_NEG_REQ || variable.readUInt16LE(2) !== RDP_NEG_DATA_BYTES) {
    return { kind: 'invalid', problem: 'malformed RDP_NEG_REQ' };
  }
  return { kind: 'request', requestedProtocols: variable.readUInt32LE(4), cookie };
}

export type ConnectionConfirmSpec =
  | { kind: 'selected'; selectedProtocol: number; flags?: number }
  | { kind: 'failure'; code: number }
  | { kind: 'legacy' };

export function buildConnectionConfirm(spec: ConnectionConfirmSpec): Buffer {
  const negotiation = Buffer.alloc(spec.kind === 'legacy' ? 0 : RDP_NEG_DATA_BYTES);
  if (spec.kind === 'selected') {
    negotiation.writeUInt8(TYPE_RDP_NEG_RSP, 0);
    negotiation.writeUInt8(spec.flags ?? 0, 1);
    negotiation.writeUInt16LE(RDP_NEG_DATA_BYTES, 2);
    negotiation.writeUInt32LE(spec.selectedProtocol >>> 0, 4);
  } else if (spec.kind === 'failure') {
    negotiation.writeUInt8(TYPE_RDP_NEG_FAILURE, 0);
    negotiation.writeUInt8(0, 1);
    negotiation.writeUInt16LE(RDP_NEG_DATA_BYTES, 2);
    negotiation.writeUInt32LE(spec.code >>> 0, 4);
  }
  const total = TPKT_HEADER_BYTES + X224_FIXED_HEADER_BYTES + negotiation.length;
  const header = Buffer.alloc(TPKT_HEADER_BYTES + X224_FIXED_HEADER_BYTES);
  header.writeUInt8(TPKT_VERSION, 0);
  header.writeUInt16BE(total, 2);
  header.writeUInt8(X224_FIXED_HEADER_BYTES - 1 + negotiation.length, 4);
  header.writeUInt8(X224_CONNECTION_CONFIRM, 5);
  // DST-REF, SRC-REF and class option stay zero: clients do not interpret them.
  return Buffer.concat([header, negotiation]);
}

export type ConnectionConfirm =
  /** RDP_NEG_RSP: the server chose a protocol (0 = standard RDP security). */
  | { kind: 'selected'; selectedProtocol: number; flags: number }
  /** RDP_NEG_FAILURE with its failureCode. */
  | { kind: 'failure'; code: number; name: string }
  /** The 11-byte reply of a server that ignores negotiation: standard RDP security only. */
  | { kind: 'legacy' }
  | { kind: 'invalid'; problem: string };

/** Parses one complete TPKT frame (as delimited by the TPKT length) that should hold an X.224 CC. */
export function parseConnectionConfirm(frame: Buffer): ConnectionConfirm {
  if (frame.length < LEGACY_CONFIRM_BYTES) {
    return { kind: 'invalid', problem: `a ${frame.length}-byte frame is shorter than the smallest Connection Confirm (11 bytes)` };
  }
  if (frame[0] !== TPKT_VERSION || frame[1] !== 0) {
    return { kind: 'invalid', problem: 'the frame does not start with a TPKT version 3 header' };
  }
  const tpktLength = frame.readUInt16BE(2);
  if (tpktLength !== frame.length) {
    return { kind: 'invalid', problem: `TPKT length ${tpktLength} does not match the ${frame.length}-byte frame` };
  }
  const lengthIndicator = frame[4];
  const code = frame[5];
  if ((code & 0xf0) !== X224_CONNECTION_CONFIRM) {
    return { kind: 'invalid', problem: `expected an X.224 Connection Confirm (0xD0), got TPDU code 0x${hex(code)}${tpduName(code)}` };
  }
  if (TPKT_HEADER_BYTES + 1 + lengthIndicator !== tpktLength) {
    return {
      kind: 'invalid',
      problem:
        `TPKT length ${tpktLength} disagrees with the X.224 length indicator ${lengthIndicator} (which implies ` +
        `${TPKT_HEADER_BYTES + 1 + lengthIndicator} bytes)`,
    };
  }
  const variable = frame.subarray(TPKT_HEADER_BYTES + X224_FIXED_HEADER_BYTES);
  if (variable.length === 0) return { kind: 'legacy' };
  if (variable.length !== RDP_NEG_DATA_BYTES) {
    return { kind: 'invalid', problem: `${variable.length} bytes of negotiation data where RDP_NEG_RSP/RDP_NEG_FAILURE has 8` };
  }
  const type = variable[0];
  const flags = variable[1];
  const length = variable.readUInt16LE(2);
  const value = variable.readUInt32LE(4);
  if (length !== RDP_NEG_DATA_BYTES) {
    return { kind: 'invalid', problem: `negotiation data announces ${length} bytes where it must be 8` };
  }
  if (type === TYPE_RDP_NEG_RSP) return { kind: 'selected', selectedProtocol: value, flags };
  if (type === TYPE_RDP_NEG_FAILURE) return { kind: 'failure', code: value, name: negotiationFailureName(value) };
  return { kind: 'invalid', problem: `unknown negotiation data type 0x${hex(type)} (expected RDP_NEG_RSP 0x02 or RDP_NEG_FAILURE 0x03)` };
}

/**
 * A server that gives up on TLS after selecting it (xrdp when its key does not match its certificate)
 * may still say goodbye in plaintext RDP: X.224 Data (02 F0 80) carrying the T.125 MCS
 * DisconnectProviderUltimatum, whose PER choice index 8 sits in the top six bits of the next byte.
 */
export function isPlaintextDisconnect(bytes: Buffer): boolean {
  return (
    bytes.length >= 8 &&
    bytes[0] === TPKT_VERSION &&
    bytes[1] === 0 &&
    bytes[5] === 0xf0 &&
    bytes[6] === 0x80 &&
    bytes[7] >> 2 === MCS_DISCONNECT_PROVIDER_ULTIMATUM
  );
}

const MCS_DISCONNECT_PROVIDER_ULTIMATUM = 8;

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0').toUpperCase();
}

function tpduName(code: number): string {
  switch (code & 0xf0) {
    case 0x80:
      return ' (Disconnect Request: the server refused the connection)';
    case 0xf0:
      return ' (Data)';
    case 0x70:
      return ' (TPDU Error)';
    case 0xe0:
      return ' (Connection Request: the peer echoed the request)';
    default:
      return '';
  }
}
