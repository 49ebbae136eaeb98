/**
 * Activity: replace the sources of an NSG rule that opens RDP to the world with the allowed CIDRs.
 * It re-reads the rule first: if someone changed it since the assessment, it refuses rather than overwrite
 * their change; if it already has the new sources (a re-run), it writes nothing. Everything but the sources
 * is kept as it was.
 */
import { isIP } from 'node:net';
import type { SecurityRule } from '@azure/arm-network';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { ActivityResult } from '../domain/activityResult';
import type { RestrictRuleInput, RestrictRuleResult, SecurityRuleSnapshot } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

function sourcesOf(rule: SecurityRule): string[] {
  if (rule.sourceAddressPrefixes && rule.sourceAddressPrefixes.length > 0) return [...rule.sourceAddressPrefixes];
  return rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : [];
}

function snapshotOf(nsgId: string, rule: SecurityRule): SecurityRuleSnapshot {
  return {
    nsgId,
    name: rule.name ?? '',
    priority: rule.priority ?? 0,
    sourceAddressPrefix: rule.sourceAddressPrefix ?? null,
    sourceAddressPrefixes: [...(rule.sourceAddressPrefixes ?? [])],
  };
}

// The effective-rules API spells `*` as 0.0.0.0/0 and a bare address as a host prefix (1.1.1.1/32, as in the
// NetworkInterfaceEffectiveNSGList example); the rule resource keeps what its author wrote.
const ANY_SOURCE = new Set(['*', '0.0.0.0/0', 'any']);

function sourceToken(source: string): string {
  const text = source.trim().toLowerCase();
  if (ANY_SOURCE.has(text)) return '*';
  if (isIP(text) === 4) return `${text}/32`;
  if (isIP(text) === 6) return `${text}/128`;
  return text;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const token = sourceToken;
  const norm = (list: readonly string[]) => [...new Set(list.map(token))].sort().join(',');
  return norm(a) === norm(b);
}

// NSG rule descriptions hold at most 140 characters; the audit marker wins over the old text.
const MAX_DESCRIPTION = 140;

function marker(repairId: string, sources: readonly string[]): string {
  return `[rdp-autorepair ${repairId} was: ${sources.join(',')}]`;
}

function describeChange(existing: string | undefined, repairId: string, replaced: readonly string[]): string | undefined {
  const note = marker(repairId, replaced);
  if (note.length > MAX_DESCRIPTION) return existing;
  const room = MAX_DESCRIPTION - note.length - 1;
  const kept = existing && room > 0 ? `${existing.slice(0, room)} ` : '';
  return `${kept}${note}`;
}

export function originalSourcesFrom(description: string | undefined, repairId: string): string[] | null {
  const prefix = `[rdp-autorepair ${repairId} was: `;
  const at = description?.indexOf(prefix) ?? -1;
  if (!description || at < 0) return null;
  const end = description.indexOf(']', at);
  if (end < 0) return null;
  return description
    .slice(at + prefix.length, end)
    .split(',')
    .filter(Boolean);
}

export async function restrictNsgRule(input: RestrictRuleInput, deps: ActivityDeps): Promise<ActivityResult<RestrictRuleResult>> {
  const ruleId = `${input.nsgId}/securityRules/${input.ruleName}`;
  try {
    const nsgRef = parseResourceId(input.nsgId, ResourceTypes.networkSecurityGroup);
    const rg = nsgRef.resourceGroup;
    const nsgName = nsgRef.name;
    const client = deps.arm.network(nsgRef.subscriptionId);
    const rule = await client.securityRules.get(rg, nsgName, input.ruleName);
    const current = sourcesOf(rule);
    const before: SecurityRuleSnapshot = { ...snapshotOf(input.nsgId, rule) };
    if (sameSet(current, input.newSourcePrefixes)) {
      // Already restricted. If this repair did it (a re-run whose first result was lost), the rule's description
      // carries the sources it replaced; otherwise someone else did, and there is nothing to report as replaced.
      const original = originalSourcesFrom(rule.description, input.repairId) ?? current;
      const single = original.length === 1;
      return ok({
        before: { ...before, sourceAddressPrefix: single ? original[0] : null, sourceAddressPrefixes: single ? [] : original },
        after: before,
        wrote: false,
      });
    }
    if (!sameSet(current, input.expectedSourcePrefixes)) {
      return {
        ok: false,
        failure: {
          code: 'RuleChangedSinceAssessment',
          message:
            `The rule ${ruleId} now admits ${current.join(', ') || 'nothing'}, not ` +
            `${input.expectedSourcePrefixes.join(', ')} as assessed; it was left alone.`,
          statusCode: null,
          operation: 'restrict NSG rule',
        },
      };
    }
    const single = input.newSourcePrefixes.length === 1;
    const updated: SecurityRule = {
      ...rule,
      sourceAddressPrefix: single ? input.newSourcePrefixes[0] : undefined,
      sourceAddressPrefixes: single ? [] : [...input.newSourcePrefixes],
      description: describeChange(rule.description, input.repairId, current),
    };
    const written = await client.securityRules.createOrUpdate(rg, nsgName, input.ruleName, updated, {
      updateIntervalInMs: deps.arm.lroPollIntervalMs,
    });
    return ok({ before, after: snapshotOf(input.nsgId, written), wrote: true });
  } catch (err) {
    return settleAzureError(err, 'restrict NSG rule', ruleId);
  }
}
