import {
  buildConnectionConfirm,
  buildConnectionRequest,
  isPlaintextDisconnect,
  negotiationFailureName,
  parseConnectionConfirm,
  parseConnectionRequest,
  PROTOCOL_HYBRID,
  PROTOCOL_RDP,
  PROTOCOL_SSL,
  selectedProtocolName,
} from '../../src/rdp/x224';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('buildConnectionRequest', () => {
  it('encodes TPKT + X.224 CR + RDP_NEG_REQ for SSL|HYBRID without a cookie (19 bytes)', () => {
    const request = buildConnectionRequest({ requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID });
    expect(request).toEqual(hex('03 00 00 13  0e e0 00 00 00 00 00  01 00 08 00 03 00 00 00'));
  });

  it('matches the MS-RDPBCGR 4.1.1 example (cookie "eltons", PROTOCOL_RDP)', () => {
    const request = buildConnectionRequest({ requestedProtocols: PROTOCOL_RDP, mstshashCookie: 'eltons' });
    expect(request).toEqual(
      hex(
        '03 00 00 2c 27 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 65 6c 74 6f 6e 73 0d 0a 01 ' +
          '00 08 00 00 00 00 00',
      ),
    );
  });

  it('writes requestedProtocols little-endian', () => {
    const request = buildConnectionRequest({ requestedProtocols: 0x0000000b });
    expect(request.subarray(15)).toEqual(hex('0b 00 00 00'));
  });

  it.each(['', 'has space', 'line\r\nbreak', 'x'.repeat(128), 'caf\u00e9'])('refuses the cookie %j', (cookie) => {
    expect(() => buildConnectionRequest({ requestedProtocols: PROTOCOL_SSL, mstshashCookie: cookie })).toThrow(RangeError);
  });

  it('round-trips through parseConnectionRequest', () => {
    const parsed = parseConnectionRequest(
      buildConnectionRequest({ requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID, mstshashCookie: 'ops' }),
    );
    expect(parsed).toEqual({ kind: 'request', requestedProtocols: 3, cookie: 'mstshash=ops' });
  });
});

describe('parseConnectionRequest', () => {
  it('reads a request without negotiation data as PROTOCOL_RDP', () => {
    expect(parseConnectionRequest(hex('03 00 00 0b 06 e0 00 00 00 00 00'))).toEqual({
      kind: 'request',
      requestedProtocols: 0,
      cookie: null,
    });
  });
  it('rejects a Connection Confirm', () => {
    expect(parseConnectionRequest(buildConnectionConfirm({ kind: 'legacy' })).kind).toBe('invalid');
  });
});

describe('parseConnectionConfirm', () => {
  it('reads RDP_NEG_RSP selecting SSL, with its flags', () => {
    expect(parseConnectionConfirm(hex('03 00 00 13 0e d0 00 00 12 34 00 02 1f 08 00 01 00 00 00'))).toEqual({
      kind: 'selected',
      selectedProtocol: PROTOCOL_SSL,
      flags: 0x1f,
    });
  });

  it('reads RDP_NEG_RSP selecting HYBRID', () => {
    expect(parseConnectionConfirm(buildConnectionConfirm({ kind: 'selected', selectedProtocol: PROTOCOL_HYBRID }))).toEqual({
      kind: 'selected',
      selectedProtocol: PROTOCOL_HYBRID,
      flags: 0,
    });
  });

  it.each([
    [1, 'SSL_REQUIRED_BY_SERVER'],
    [2, 'SSL_NOT_ALLOWED_BY_SERVER'],
    [3, 'SSL_CERT_NOT_ON_SERVER'],
    [4, 'INCONSISTENT_FLAGS'],
    [5, 'HYBRID_REQUIRED_BY_SERVER'],
    [6, 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER'],
    [0x42, 'UNKNOWN_FAILURE_0x42'],
  ])('reads RDP_NEG_FAILURE code %i as %s', (code, name) => {
    expect(parseConnectionConfirm(buildConnectionConfirm({ kind: 'failure', code }))).toEqual({ kind: 'failure', code, name });
  });

  it('reads the 11-byte reply without negotiation data as legacy', () => {
    expect(parseConnectionConfirm(hex('03 00 00 0b 06 d0 00 00 12 34 00'))).toEqual({ kind: 'legacy' });
  });

  it.each([
    ['shorter than 11 bytes', '03 00 00 0a 05 d0 00 00 00 00', /shorter than the smallest/],
    ['not TPKT', '04 00 00 0b 06 d0 00 00 00 00 00', /TPKT version 3/],
    ['a TPKT length that disagrees with the frame', '03 00 00 0c 06 d0 00 00 00 00 00', /does not match the 11-byte frame/],
    ['a Disconnect Request', '03 00 00 0b 06 80 00 00 00 00 00', /0x80 \(Disconnect Request/],
    ['a length indicator that disagrees with TPKT', '03 00 00 13 06 d0 00 00 00 00 00 02 00 08 00 01 00 00 00', /length indicator 6/],
    ['negotiation data of the wrong size', '03 00 00 0f 0a d0 00 00 00 00 00 02 00 08 00', /4 bytes of negotiation data/],
    ['a negotiation length field that lies', '03 00 00 13 0e d0 00 00 00 00 00 02 00 09 00 01 00 00 00', /announces 9 bytes/],
    ['an unknown negotiation type', '03 00 00 13 0e d0 00 00 00 00 00 07 00 08 00 01 00 00 00', /type 0x07/],
  ])('calls a frame with %s invalid', (_name, bytes, problem) => {
    const parsed = parseConnectionConfirm(hex(bytes));
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toMatch(problem);
  });

  it('round-trips every buildConnectionConfirm form', () => {
    expect(parseConnectionConfirm(buildConnectionConfirm({ kind: 'legacy' }))).toEqual({ kind: 'legacy' });
    expect(buildConnectionConfirm({ kind: 'legacy' })).toHaveLength(11);
    expect(buildConnectionConfirm({ kind: 'failure', code: 3 })).toHaveLength(19);
  });
});

describe('names', () => {
  it('names selected protocols, UNKNOWN for combinations', () => {
    expect(
      ['RDP', 'SSL', 'HYBRID', 'RDSTLS', 'HYBRID_EX', 'RDSAAD'].map((_, i) => selectedProtocolName(i === 0 ? 0 : 1 << (i - 1))),
    ).toEqual(['RDP', 'SSL', 'HYBRID', 'RDSTLS', 'HYBRID_EX', 'RDSAAD']);
    expect(selectedProtocolName(3)).toBe('UNKNOWN');
    expect(negotiationFailureName(3)).toBe('SSL_CERT_NOT_ON_SERVER');
  });
});

describe('isPlaintextDisconnect', () => {
  it('recognises the MCS Disconnect Provider Ultimatum xrdp sends when its TLS setup fails', () => {
    expect(isPlaintextDisconnect(hex('03 00 00 09 02 f0 80 21 80'))).toBe(true);
  });
  it('does not take other X.224 data for a disconnect', () => {
    expect(isPlaintextDisconnect(hex('03 00 00 09 02 f0 80 7f 65'))).toBe(false);
    expect(isPlaintextDisconnect(hex('16 03 01 00 09 02 f0 80 21'))).toBe(false);
  });
});
