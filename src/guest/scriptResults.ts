/**
 * Run Command stdout -> a typed, validated guest script result, or a reason why there is none.
 *
 * A broken VM produces broken output: a script killed half-way, a result line cut by Run Command's 4 KB
 * window, a stale script version. Every one of those is a value here (`ok: false` + reason), never an
 * exception, so the orchestration can decide what to do with it.
 */
import { z } from 'zod';
import { parseScriptOutput } from './resultProtocol';
import type {
  DiagnoseResult,
  EnableTlsResult,
  FixPortConflictResult,
  GuestScriptName,
  GuestScripts,
  OfflineRepairResult,
  RenewCertificateResult,
  RestoreGroupPolicyResult,
  BootTimeResult,
} from './scriptContracts';

const nullableString = z.string().nullable();
const nullableInt = z.number().int().nullable();

// What boot-time and diagnose print for LastBootUpTime: ToUniversalTime().ToString('s') + 'Z', culture-invariant.
const isoUtcSeconds = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an ISO 8601 UTC instant with seconds');
const serviceStateSchema = z.object({ status: nullableString, startType: nullableString });
const tlsServerStateSchema = z.object({ enabled: nullableInt, disabledByDefault: nullableInt });

const recordedChangeSchema = z.object({
  path: z.string(),
  name: z.string(),
  before: z.union([z.string(), z.number(), z.null()]),
  after: z.union([z.string(), z.number(), z.null()]),
});

const fixBase = {
  ok: z.boolean(),
  message: z.string(),
  changes: z.array(recordedChangeSchema),
  actions: z.array(z.string()),
};

export const diagnoseResultSchema = z.object({
  script: z.literal('diagnose'),
  os: z.object({ caption: nullableString, build: nullableString }),
  lastBootUpTime: isoUtcSeconds.nullable(),
  domain: z.object({ joined: z.boolean(), name: nullableString }),
  rdp: z.object({
    portNumber: z.number().int().min(1).max(65535),
    fDenyTSConnections: nullableInt,
    policyDenyTSConnections: nullableInt,
    securityLayer: nullableInt,
    userAuthentication: nullableInt,
    allowSecProtocolNegotiation: nullableInt,
    pinnedThumbprint: nullableString,
  }),
  listener: z.object({
    processName: nullableString,
    processId: nullableInt,
    serviceName: nullableString,
    hostedServices: z.array(z.string()).max(8),
  }),
  services: z.object({ TermService: serviceStateSchema, SessionEnv: serviceStateSchema, UmRdpService: serviceStateSchema }),
  certificate: z.object({
    present: z.boolean(),
    store: z.enum(['personal', 'remote-desktop']).nullable(),
    thumbprint: nullableString,
    notAfter: nullableString,
    hasPrivateKey: z.boolean().nullable(),
    privateKeyOpens: z.boolean().nullable(),
    networkServiceKeyRead: z.boolean().nullable(),
    pinnedMissing: z.boolean(),
    pinnedExpired: z.boolean(),
  }),
  machineKeys: z.object({
    listable: z.boolean(),
    rdpContainerFound: z.boolean(),
    systemFullControl: z.boolean(),
    networkServiceRead: z.boolean(),
    buildEntryPresent: z.boolean(),
  }),
  tls: z.object({ 'TLS 1.0': tlsServerStateSchema, 'TLS 1.1': tlsServerStateSchema, 'TLS 1.2': tlsServerStateSchema }),
  gpsvcStart: nullableInt,
  firewall: z.object({ ruleName: z.string(), enabled: z.boolean().nullable(), localPorts: nullableString }),
});

export const fixPortConflictResultSchema = z.object({
  script: z.literal('fix-port-conflict'),
  ...fixBase,
  stoppedHolder: z.boolean(),
  newPort: z.number().int().min(1).max(65535).nullable(),
});

export const renewCertificateResultSchema = z.object({
  script: z.literal('renew-certificate'),
  ...fixBase,
  removedThumbprint: nullableString,
  aclBackupPath: nullableString,
});

export const enableTlsResultSchema = z.object({
  script: z.literal('enable-tls'),
  ...fixBase,
  previousGpsvcStart: nullableInt,
});

export const restoreGroupPolicyResultSchema = z.object({
  script: z.literal('restore-group-policy'),
  ...fixBase,
  gpupdateExitCode: nullableInt,
});

const offlineFindingSchema = z.object({
  check: z.enum([
    'tls',
    'rdp-listener',
    'rdp-certificate-pin',
    'deny-ts-connections',
    'services',
    'rdp-certificate',
    'machinekeys-acl',
    'crash-dump',
    'boot-ems',
  ]),
  verdict: z.enum(['healthy', 'broken', 'fixed', 'enabled', 'failed', 'not-checked']),
  detail: nullableString,
});

export const offlineRepairResultSchema = z.object({
  script: z.literal('offline-repair'),
  ok: z.boolean(),
  message: z.string(),
  detectOnly: z.boolean(),
  disk: z.object({
    number: nullableInt,
    partitionStyle: z.enum(['MBR', 'GPT']).nullable(),
    signatureCollision: z.boolean(),
    signatureRestored: z.boolean().nullable(),
  }),
  windows: z.object({ build: nullableInt, controlSets: z.array(z.string()) }),
  findings: z.array(offlineFindingSchema),
  changes: z.array(recordedChangeSchema),
  planned: z.array(recordedChangeSchema),
  omitted: z.number().int().min(0),
  restorePath: nullableString,
  reportPath: nullableString,
});

export const bootTimeResultSchema = z.object({
  script: z.literal('boot-time'),
  // What the script prints: ToUniversalTime().ToString('s') + 'Z', culture-invariant.
  lastBootUpTime: isoUtcSeconds,
});

// Each schema's output type must be exactly the contract's type: a field added to, removed from or retyped in
// scriptContracts.ts without the schema following (or the other way round) is a compile error here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchContracts: [
  Same<z.infer<typeof diagnoseResultSchema>, DiagnoseResult>,
  Same<z.infer<typeof fixPortConflictResultSchema>, FixPortConflictResult>,
  Same<z.infer<typeof renewCertificateResultSchema>, RenewCertificateResult>,
  Same<z.infer<typeof enableTlsResultSchema>, EnableTlsResult>,
  Same<z.infer<typeof restoreGroupPolicyResultSchema>, RestoreGroupPolicyResult>,
  Same<z.infer<typeof offlineRepairResultSchema>, OfflineRepairResult>,
  Same<z.infer<typeof bootTimeResultSchema>, BootTimeResult>,
] = [true, true, true, true, true, true, true];
void schemasMatchContracts;

export const GUEST_RESULT_SCHEMAS: { readonly [N in GuestScriptName]: z.ZodType<GuestScripts[N]['result']> } = {
  diagnose: diagnoseResultSchema,
  'fix-port-conflict': fixPortConflictResultSchema,
  'renew-certificate': renewCertificateResultSchema,
  'enable-tls': enableTlsResultSchema,
  'restore-group-policy': restoreGroupPolicyResultSchema,
  'offline-repair': offlineRepairResultSchema,
  'boot-time': bootTimeResultSchema,
};

/**
 * A script that failed as a whole and had no result of its shape to report says so in the protocol:
 * `{ script, ok: false, message }` (diagnose does this; its result type has no ok/message of its own).
 */
const scriptFailureSchema = z.object({ script: z.string(), ok: z.literal(false), message: z.string() });

export type GuestResultFailureReason = 'missing-marker' | 'invalid-json' | 'truncated' | 'wrong-shape' | 'script-failed';

export type ParsedGuestResult<N extends GuestScriptName> =
  | { ok: true; result: GuestScripts[N]['result'] }
  | { ok: false; reason: GuestResultFailureReason; detail: string };

const MAX_ISSUES_IN_DETAIL = 5;

/** Parses the stdout of a guest script run; never throws. */
export function parseGuestResult<N extends GuestScriptName>(name: N, stdout: string): ParsedGuestResult<N> {
  const parsed = parseScriptOutput(typeof stdout === 'string' ? stdout : '');
  if (!parsed.ok) return parsed;
  const value = parsed.result;

  const schema = GUEST_RESULT_SCHEMAS[name] as z.ZodType<GuestScripts[N]['result']>;
  const checked = schema.safeParse(value);
  if (checked.success) return { ok: true, result: checked.data };

  const reported = (value as { script?: unknown } | null)?.script;
  if (typeof value === 'object' && value !== null && reported !== undefined && reported !== name) {
    return { ok: false, reason: 'wrong-shape', detail: `expected a result from ${name}, got one from ${JSON.stringify(reported)}` };
  }
  const failure = scriptFailureSchema.safeParse(value);
  if (failure.success && failure.data.script === name) {
    return { ok: false, reason: 'script-failed', detail: failure.data.message };
  }
  const issues = checked.error.issues
    .slice(0, MAX_ISSUES_IN_DETAIL)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  const more = checked.error.issues.length > MAX_ISSUES_IN_DETAIL ? ` (+${checked.error.issues.length - MAX_ISSUES_IN_DETAIL} more)` : '';
  return { ok: false, reason: 'wrong-shape', detail: `the ${name} result does not match its contract: ${issues.join('; ')}${more}` };
}
