import { TpktFrameReader } from '../../src/rdp/tpktFrameReader';

const confirm = Buffer.from('03000013' + '0ed00000000000' + '0200080001000000', 'hex');

describe('TpktFrameReader', () => {
  it('reassembles a frame delivered one byte at a time', () => {
    const reader = new TpktFrameReader(512);
    const states = [...confirm].map((byte) => reader.push(Buffer.from([byte])));
    expect(states.slice(0, 3)).toEqual([
      { kind: 'incomplete', received: 1, announced: null },
      { kind: 'incomplete', received: 2, announced: null },
      { kind: 'incomplete', received: 3, announced: null },
    ]);
    expect(states[3]).toEqual({ kind: 'incomplete', received: 4, announced: 19 });
    expect(states[17]).toEqual({ kind: 'incomplete', received: 18, announced: 19 });
    const last = states[18];
    expect(last.kind).toBe('frame');
    expect(last.kind === 'frame' && last.frame).toEqual(confirm);
  });

  it('returns bytes after the frame as rest', () => {
    const reader = new TpktFrameReader(512);
    const state = reader.push(Buffer.concat([confirm, Buffer.from([0x16, 0x03])]));
    expect(state.kind === 'frame' && [state.frame.length, [...state.rest]]).toEqual([19, [0x16, 0x03]]);
  });

  it('calls the first byte foreign as soon as it is not 3', () => {
    expect(new TpktFrameReader(512).push(Buffer.from('H')).kind).toBe('not-tpkt');
  });

  it('calls a non-zero reserved byte foreign', () => {
    expect(new TpktFrameReader(512).push(Buffer.from([3, 1])).kind).toBe('not-tpkt');
  });

  it('rejects a length above the limit without waiting for the bytes', () => {
    expect(new TpktFrameReader(512).push(Buffer.from([3, 0, 0xff, 0xff]))).toEqual({ kind: 'oversized', announced: 65535, limit: 512 });
  });

  it('rejects a length smaller than the header', () => {
    expect(new TpktFrameReader(512).push(Buffer.from([3, 0, 0, 2]))).toEqual({ kind: 'undersized', announced: 2 });
  });

  it('reports how much of a lying length has arrived', () => {
    const reader = new TpktFrameReader(512);
    const lying = Buffer.from(confirm);
    lying.writeUInt16BE(100, 2);
    expect(reader.push(lying)).toEqual({ kind: 'incomplete', received: 19, announced: 100 });
  });
});
