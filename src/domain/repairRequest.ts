/**
 * The repair request (DESIGN.md "Repair request"): validated with zod so every bad field gets its own message,
 * and normalized (canonical VM id, de-duplicated CIDRs) so the orchestration never re-checks input.
 */
import { z } from 'zod';
import { APPROVAL_MODES, type ApprovalMode } from './approval';
import { MAX_ECHO_CHARS, quoteInput, truncateText } from './echo';
import { type Cidr, parseCidr } from './ipAddress';
import { DEFAULT_SOURCE_PREFIX_LIMITS, ipv6Refusal, type SourcePrefixLimits, tooShortPrefix, wholeFamilyRefusal } from './sourceCidrPolicy';
import { OFFLINE_MODES, type OfflineMode } from './offlineRepair';
import { parseVmResourceId, type VmResourceId } from './vmResourceId';

export type RepairMode = 'repair' | 'diagnose';

export type RepairSource = { kind: 'http' } | { kind: 'alert'; alertId: string; rule?: string };

export interface RepairRequest {
  vm: VmResourceId;
  mode: RepairMode;
  /** Sources RDP may be restricted to when the NSG opens it to the world; empty = only report the exposure. */
  allowedSourceCidrs: string[];
  /** The port the caller says RDP listens on; when absent the default 3389 is assumed and said so. */
  rdpPort?: number;
  /** Also enable TLS 1.0/1.1 Server when TLS is repaired: a security regression, so only on explicit request. */
  allowLegacyTls: boolean;
  /** beforeDisruptive: wait for an approval before each disruptive step. Absent (repairs started before it) = none. */
  approval?: ApprovalMode;
  source: RepairSource;
  /** Offline disk-swap repair: absent = the setting's default (OFFLINE_REPAIR_DEFAULT; alerts: ALERT_OFFLINE_REPAIR). */
  offline?: OfflineMode;
  /** The rescue VM the offline repair attaches the OS disk copy to (canonical ARM id). */
  rescueVmResourceId?: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export const KNOWN_REQUEST_FIELDS = [
  'vmResourceId',
  'mode',
  'allowedSourceCidrs',
  'rdpPort',
  'allowLegacyTls',
  'offline',
  'rescueVmResourceId',
  'approval',
] as const;

const WORLD = new Set(['*', 'any', 'internet', '0.0.0.0/0', '::/0', '0.0.0.0']);

/** At most this many problems are listed; a body of a thousand unknown keys gets a bounded answer. */
export const MAX_PROBLEMS = 20;

function cidrListFor(limits: SourcePrefixLimits) {
  return z
    .array(z.string({ error: 'each entry must be a string CIDR block, e.g. 203.0.113.0/24' }), {
      error: 'must be an array of CIDR blocks, e.g. ["203.0.113.0/24"]',
    })
    .max(50, { error: 'at most 50 CIDR blocks (an NSG rule holds a limited number of prefixes)' })
    .superRefine((list, ctx) => {
      const parsedBlocks: Cidr[] = [];
      for (const [index, entry] of list.entries()) {
        const problem = (message: string) => ctx.addIssue({ code: 'custom', path: [index], message });
        if (WORLD.has(entry.trim().toLowerCase())) {
          problem(`${quoteInput(entry)} is the whole Internet; restricting RDP to it would change nothing`);
          continue;
        }
        const parsed = parseCidr(entry.trim());
        if (!parsed.ok) {
          problem(parsed.message);
          continue;
        }
        if (parsed.value.prefix === 0) {
          problem(`${quoteInput(entry)} is a /0: the whole address family`);
          continue;
        }
        const refusal = ipv6Refusal(parsed.value) ?? tooShortPrefix(parsed.value, limits);
        if (refusal) {
          problem(refusal);
          continue;
        }
        parsedBlocks.push(parsed.value);
      }
      const whole = wholeFamilyRefusal(parsedBlocks);
      if (whole) ctx.addIssue({ code: 'custom', path: [], message: whole });
    });
}

function requestSchemaFor(limits: SourcePrefixLimits) {
  return z.strictObject(
    {
      vmResourceId: z.unknown().optional(),
      mode: z.enum(['repair', 'diagnose'], { error: "must be 'repair' or 'diagnose'" }).optional(),
      allowedSourceCidrs: cidrListFor(limits).optional(),
      rdpPort: z
        .number({ error: 'must be a whole number from 1 to 65535' })
        .int({ error: 'must be a whole number from 1 to 65535' })
        .min(1, { error: 'must be a whole number from 1 to 65535' })
        .max(65535, { error: 'must be a whole number from 1 to 65535' })
        .optional(),
      allowLegacyTls: z.boolean({ error: 'must be true or false' }).optional(),
      approval: z.enum(APPROVAL_MODES, { error: "must be 'none' or 'beforeDisruptive'" }).optional(),
      offline: z.enum(OFFLINE_MODES, { error: `must be one of ${OFFLINE_MODES.map((m) => `'${m}'`).join(', ')}` }).optional(),
      rescueVmResourceId: z.unknown().optional(),
    },
    { error: 'the body must be a JSON object' },
  );
}

function bounded(problems: FieldProblem[]): FieldProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), { field: '(body)', message: `and ${problems.length - MAX_PROBLEMS} more problems` }];
}

export type ValidationResult = { ok: true; request: RepairRequest } | { ok: false; problems: FieldProblem[] };

export function validateRepairRequest(
  body: unknown,
  source: RepairSource = { kind: 'http' },
  limits: SourcePrefixLimits = DEFAULT_SOURCE_PREFIX_LIMITS,
  defaultApproval: ApprovalMode = 'none',
): ValidationResult {
  const problems: FieldProblem[] = [];
  const parsed = requestSchemaFor(limits).safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({
            field: truncateText(key, MAX_ECHO_CHARS),
            message: `is not a known field (known: ${KNOWN_REQUEST_FIELDS.join(', ')})`,
          });
        }
      } else {
        problems.push({ field: issue.path.length ? issue.path.map(String).join('.') : '(body)', message: issue.message });
      }
    }
  }
  const record = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  let vm: VmResourceId | undefined;
  let rescueVm: VmResourceId | undefined;
  if (record && record.rescueVmResourceId !== undefined) {
    const id = parseVmResourceId(record.rescueVmResourceId);
    if (id.ok) rescueVm = id.value;
    else problems.push({ field: 'rescueVmResourceId', message: id.message });
  }
  if (record) {
    if (record.vmResourceId === undefined) {
      problems.unshift({ field: 'vmResourceId', message: 'is required (the ARM id of the virtual machine to repair)' });
    } else {
      const id = parseVmResourceId(record.vmResourceId);
      if (id.ok) vm = id.value;
      else problems.unshift({ field: 'vmResourceId', message: id.message });
    }
  }
  if (problems.length > 0 || !parsed.success || !vm) return { ok: false, problems: bounded(problems) };
  const cidrs = [...new Set((parsed.data.allowedSourceCidrs ?? []).map((c) => c.trim()))];
  return {
    ok: true,
    request: {
      vm,
      mode: parsed.data.mode ?? 'repair',
      allowedSourceCidrs: cidrs,
      rdpPort: parsed.data.rdpPort,
      allowLegacyTls: parsed.data.allowLegacyTls ?? false,
      approval: parsed.data.approval ?? defaultApproval,
      source,
      ...(parsed.data.offline !== undefined ? { offline: parsed.data.offline } : {}),
      ...(rescueVm ? { rescueVmResourceId: rescueVm.id } : {}),
    },
  };
}

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.field === '(body)' ? p.message : `${p.field}: ${p.message}`)).join('; ');
}
