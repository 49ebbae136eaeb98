/**
 * Issue 9, the repair request side: inputs that used to get through and widen exposure or name the wrong VM.
 * Each block goes through the entry points the app uses (validateRepairRequest, readAlertPolicy, parseScopes,
 * parseVmResourceId, repairInstanceId, the opt-out check), so it fails on code that lacks the guard.
 */
import { readAlertPolicy } from '../../src/domain/alertPolicyConfig';
import type { ConfigurationError } from '../../src/domain/errors';
import { repairInstanceId } from '../../src/domain/instanceId';
import { describeProblems, validateRepairRequest } from '../../src/domain/repairRequest';
import { isInScope, parseScopes } from '../../src/domain/scope';
import { parseVmResourceId } from '../../src/domain/vmResourceId';
import { isOptedOut } from '../../src/orchestration/decisions/preflight';

const SUB = '11111111-2222-3333-4444-555555555555';
const vmIn = (rg: string, name = 'web01') =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
const VM = vmIn('rg-prod');

function cidrProblems(cidrs: unknown, env: Record<string, string> = {}): string[] {
  const limits = { minPrefixV4: env.MIN_SOURCE_PREFIX_V4 ? Number(env.MIN_SOURCE_PREFIX_V4) : 8, minPrefixV6: 32 };
  const r = validateRepairRequest({ vmResourceId: VM, allowedSourceCidrs: cidrs }, { kind: 'http' }, limits);
  return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
}

function configError(env: Record<string, string>): ConfigurationError | undefined {
  try {
    readAlertPolicy(env);
    return undefined;
  } catch (err) {
    return err as ConfigurationError;
  }
}

describe('class 1: the whole Internet in pieces is refused', () => {
  it.each([[['0.0.0.0/1', '128.0.0.0/1']], [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2']], [['64.0.0.0/2']], [['202.0.0.0/7']]])(
    '%j is refused: prefixes shorter than MIN_SOURCE_PREFIX_V4 (default 8)',
    (cidrs) => {
      const problems = cidrProblems(cidrs);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems[0]).toMatch(/^allowedSourceCidrs\.0: '.*' is a \/\d, wider than MIN_SOURCE_PREFIX_V4=8 allows/);
    },
  );

  it('a /8 and narrower blocks are accepted', () => {
    expect(cidrProblems(['10.0.0.0/8', '203.0.113.0/24', '198.51.100.7'])).toEqual([]);
  });

  it('with the minimum lowered, a list whose union is all of IPv4 is still refused, as one problem of the list', () => {
    const halves = ['0.0.0.0/1', '128.0.0.0/1'];
    expect(cidrProblems(halves, { MIN_SOURCE_PREFIX_V4: '1' })).toEqual([
      'allowedSourceCidrs: together these blocks cover every IPv4 address: restricting RDP to them would change nothing',
    ]);
    const pieces = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/3', '160.0.0.0/3', '192.0.0.0/2'];
    expect(cidrProblems(pieces, { MIN_SOURCE_PREFIX_V4: '1' })).toHaveLength(1);
    // One /2 short of the whole: not the whole Internet, so the (lowered) minimum decides alone.
    expect(cidrProblems(pieces.slice(1), { MIN_SOURCE_PREFIX_V4: '1' })).toEqual([]);
  });

  it('ALERT_ALLOWED_SOURCE_CIDRS is held to the same rules and MIN_SOURCE_PREFIX_V4 is read', () => {
    expect(configError({ ALERT_ALLOWED_SOURCE_CIDRS: '0.0.0.0/1,128.0.0.0/1' })).toMatchObject({ setting: 'ALERT_ALLOWED_SOURCE_CIDRS' });
    expect(configError({ ALERT_ALLOWED_SOURCE_CIDRS: '0.0.0.0/1,128.0.0.0/1', MIN_SOURCE_PREFIX_V4: '1' })?.message).toBe(
      'ALERT_ALLOWED_SOURCE_CIDRS: together these blocks cover every IPv4 address: restricting RDP to them would change nothing',
    );
    expect(configError({ ALERT_ALLOWED_SOURCE_CIDRS: '100.0.0.0/6', MIN_SOURCE_PREFIX_V4: '6' })).toBeUndefined();
    expect(configError({ MIN_SOURCE_PREFIX_V4: '0' })).toMatchObject({
      setting: 'MIN_SOURCE_PREFIX_V4',
      message: "MIN_SOURCE_PREFIX_V4 must be a whole number from 1 to 32, got '0'",
    });
  });
});

describe("class 2: one identity comparison, ARM's ordinal case-insensitive rule", () => {
  const KELVIN = '\u212A';
  const scopes = parseScopes(`/subscriptions/${SUB}/resourceGroups/rg-kelvin`);

  it('a resource group spelled with U+212A KELVIN SIGN is not the ASCII one: outside its scope, its own repair id', () => {
    if (!scopes.ok) throw new Error(scopes.message);
    const real = parseVmResourceId(vmIn('rg-kelvin'));
    const lookalike = parseVmResourceId(vmIn(`rg-${KELVIN}elvin`));
    if (!real.ok || !lookalike.ok) throw new Error('both ids parse');
    expect(isInScope(real.value.key, scopes.value)).toBe(true);
    expect(isInScope(lookalike.value.key, scopes.value)).toBe(false);
    expect(repairInstanceId(lookalike.value.key)).not.toBe(repairInstanceId(real.value.key));
  });

  it('neither are U+017F LONG S and U+0131 DOTLESS I their ASCII upper-case partners', () => {
    const a = parseVmResourceId(vmIn('rg-\u017Fql'));
    const b = parseVmResourceId(vmIn('rg-sql'));
    const c = parseVmResourceId(vmIn('rg-\u0131t'));
    const d = parseVmResourceId(vmIn('rg-IT'));
    if (!a.ok || !b.ok || !c.ok || !d.ok) throw new Error('ids parse');
    expect(a.value.key).not.toBe(b.value.key);
    expect(c.value.key).not.toBe(d.value.key);
  });

  it('letters ARM treats as one (same simple upper case) are one VM, one repair id, one scope', () => {
    // 'σ' and 'ς' both upper-case to 'Σ'; toLowerCase keeps them apart.
    const sigma = parseVmResourceId(vmIn('rg-\u03C3'));
    const finalSigma = parseVmResourceId(vmIn('rg-\u03C2'));
    const capital = parseVmResourceId(vmIn('RG-\u03A3'));
    if (!sigma.ok || !finalSigma.ok || !capital.ok) throw new Error('ids parse');
    expect(new Set([sigma.value.key, finalSigma.value.key, capital.value.key]).size).toBe(1);
    const scope = parseScopes(`/subscriptions/${SUB}/resourceGroups/rg-\u03C2`);
    if (!scope.ok) throw new Error(scope.message);
    expect(isInScope(sigma.value.key, scope.value)).toBe(true);
  });

  it('keeps the repair id of ASCII ids exactly as before (running repairs and their statuses keep their ids)', () => {
    const parsed = parseVmResourceId(VM.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.value.key).toBe(VM.toLowerCase());
    expect(repairInstanceId(parsed.value.key)).toBe('rdprepair-web01-4afe4d917a7bce35');
  });

  it('reads the opt-out tag name by the same rule and its value leniently', () => {
    expect(isOptedOut({ 'RDP-AutoRepair': 'OFF' })).toBe(true);
    expect(isOptedOut({ 'rdp-autorepair': ' Off ' })).toBe(true);
    expect(isOptedOut({ 'rdp-autorepair': 'disabled' })).toBe(true);
    expect(isOptedOut({ 'rdp-autorepair': 'false' })).toBe(true);
    expect(isOptedOut({ 'rdp-autorepair': 'on' })).toBe(false);
    expect(isOptedOut({ 'rdp-autorepair-note': 'off' })).toBe(false);
  });
});

describe('class 3: what errors echo is bounded', () => {
  it('a 10,000-character field is quoted in part, with a count of what was left out', () => {
    const long = 'x'.repeat(10_000);
    const problems = cidrProblems([long]);
    expect(problems[0].length).toBeLessThan(300);
    expect(problems[0]).toContain('… (9920 more characters)');
    const key = validateRepairRequest({ vmResourceId: VM, [long]: 1 });
    expect(!key.ok && key.problems[0].field.length).toBeLessThan(200);
  });

  it('control characters are escaped, not repeated raw', () => {
    const problems = cidrProblems(['10.0.0.0/8\nAlertDecision decision=started']);
    expect(problems[0]).toContain('\\u000a');
    expect(problems[0]).not.toContain('\n');
  });

  it('a body with a thousand unknown fields gets a bounded list of problems', () => {
    const body: Record<string, unknown> = { vmResourceId: VM };
    for (let i = 0; i < 1000; i++) body[`f${i}`] = i;
    const r = validateRepairRequest(body);
    if (r.ok) throw new Error('must be refused');
    expect(r.problems).toHaveLength(21);
    expect(describeProblems(r.problems)).toMatch(/and 980 more problems$/);
  });
});

describe('class 4: IPv6 sources are refused, saying why', () => {
  it.each([[['2001:db8::/48']], [['203.0.113.0/24', '2001:db8::1']]])('%j', (cidrs) => {
    const problems = cidrProblems(cidrs);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /is IPv6; IPv6 sources are not accepted yet: .*an NSG rule cannot mix IPv4 and IPv6 sources.*Give IPv4 blocks$/,
    );
  });

  it('in ALERT_ALLOWED_SOURCE_CIDRS too', () => {
    expect(configError({ ALERT_ALLOWED_SOURCE_CIDRS: '2001:db8::/48' })).toMatchObject({ setting: 'ALERT_ALLOWED_SOURCE_CIDRS' });
  });
});
