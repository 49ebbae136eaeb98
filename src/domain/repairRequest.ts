/**
 * The repair request (DESIGN.md "Repair request"): validated with zod so every bad field gets its own message,
 * and normalized (canonical VM id, de-duplicated CIDRs) so the orchestration never re-checks input.
 */
import { z } from 'zod';
import { parseCidr } from './ipAddress';
import { parseVmResourceId, VmResourceId } from './vmResourceId';

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
  source: RepairSource;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export const KNOWN_REQUEST_FIELDS = ['vmResourceId', 'mode', 'allowedSourceCidrs', 'rdpPort', 'allowLegacyTls'] as const;

const WORLD = new Set(['*', 'any', 'internet', '0.0.0.0/0', '::/0', '0.0.0.0']);

const cidrList = z
  .array(z.string({ error: 'each entry must be a string CIDR block, e.g. 203.0.113.0/24' }), {
    error: 'must be an array of CIDR blocks, e.g. ["203.0.113.0/24"]',
  })
  .max(50, { error: 'at most 50 CIDR blocks (an NSG rule holds a limited number of prefixes)' })
  .superRefine((list, ctx) => {
    list.forEach((entry, index) => {
      if (WORLD.has(entry.trim().toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `'${entry}' is the whole Internet; restricting RDP to it would change nothing`,
        });
        return;
      }
      const parsed = parseCidr(entry.trim());
      if (!parsed.ok) ctx.addIssue({ code: 'custom', path: [index], message: parsed.message });
      else if (parsed.value.prefix === 0) {
        ctx.addIssue({ code: 'custom', path: [index], message: `'${entry}' is a /0: the whole address family` });
      }
    });
  });

const requestSchema = z.strictObject(
  {
    vmResourceId: z.unknown().optional(),
    mode: z.enum(['repair', 'diagnose'], { error: "must be 'repair' or 'diagnose'" }).optional(),
    allowedSourceCidrs: cidrList.optional(),
    rdpPort: z
      .number({ error: 'must be a whole number from 1 to 65535' })
      .int({ error: 'must be a whole number from 1 to 65535' })
      .min(1, { error: 'must be a whole number from 1 to 65535' })
      .max(65535, { error: 'must be a whole number from 1 to 65535' })
      .optional(),
    allowLegacyTls: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'the body must be a JSON object' },
);

export type ValidationResult = { ok: true; request: RepairRequest } | { ok: false; problems: FieldProblem[] };

export function validateRepairRequest(body: unknown, source: RepairSource = { kind: 'http' }): ValidationResult {
  const problems: FieldProblem[] = [];
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({ field: key, message: `is not a known field (known: ${KNOWN_REQUEST_FIELDS.join(', ')})` });
        }
      } else {
        problems.push({ field: issue.path.length ? issue.path.map(String).join('.') : '(body)', message: issue.message });
      }
    }
  }
  const record = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  let vm: VmResourceId | undefined;
  if (record) {
    if (record.vmResourceId === undefined) {
      problems.unshift({ field: 'vmResourceId', message: 'is required (the ARM id of the virtual machine to repair)' });
    } else {
      const id = parseVmResourceId(record.vmResourceId);
      if (id.ok) vm = id.value;
      else problems.unshift({ field: 'vmResourceId', message: id.message });
    }
  }
  if (problems.length > 0 || !parsed.success || !vm) return { ok: false, problems };
  const cidrs = [...new Set((parsed.data.allowedSourceCidrs ?? []).map((c) => c.trim()))];
  return {
    ok: true,
    request: { vm, mode: parsed.data.mode ?? 'repair', allowedSourceCidrs: cidrs, rdpPort: parsed.data.rdpPort, allowLegacyTls: parsed.data.allowLegacyTls ?? false, source },
  };
}

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.field === '(body)' ? p.message : `${p.field}: ${p.message}`)).join('; ');
}
