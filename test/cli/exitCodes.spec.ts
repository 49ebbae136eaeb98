import { EXIT, EXIT_CODE_TABLE, exitCodeForOutcome } from '../../src/cli/exitCodes';
import { OUTCOME_KINDS } from '../../src/domain/repairStatus';

describe('CLI exit codes', () => {
  it('gives 0 to Repaired and AlreadyHealthy and a code of its own to every other outcome', () => {
    expect(exitCodeForOutcome('Repaired')).toBe(0);
    expect(exitCodeForOutcome('AlreadyHealthy')).toBe(0);
    const others = OUTCOME_KINDS.filter((k) => k !== 'Repaired' && k !== 'AlreadyHealthy').map(exitCodeForOutcome);
    expect(new Set(others).size).toBe(others.length);
    expect(others).not.toContain(0);
    expect(others).not.toContain(EXIT.unknownOutcome);
  });

  it('treats an outcome it does not know (or none) as its own code, not success', () => {
    expect(exitCodeForOutcome(undefined)).toBe(EXIT.unknownOutcome);
    expect(exitCodeForOutcome('SomethingNew')).toBe(EXIT.unknownOutcome);
    expect(exitCodeForOutcome('toString')).toBe(EXIT.unknownOutcome);
  });

  it('documents every code once, and no two meanings share a code', () => {
    const codes = EXIT_CODE_TABLE.map(([code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...new Set(Object.values(EXIT))].sort()).toEqual([...codes].sort());
  });
});
