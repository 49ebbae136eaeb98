/**
 * One repair per VM: the orchestration instance id is derived from the VM id's identity key (identity.ts: ARM's
 * case-insensitive rule; for an ASCII id simply the lower-cased id, as it always was), so two starts for the
 * same VM (an operator and an alert, or two alerts) collide on the same instance instead of racing on one disk.
 * The VM name keeps it readable in logs; the hash keeps it unique across resource groups and subscriptions.
 */
import { createHash } from 'node:crypto';

export function repairInstanceId(vmKey: string): string {
  const name = vmKey
    .slice(vmKey.lastIndexOf('/') + 1)
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  const hash = createHash('sha256').update(vmKey).digest('hex').slice(0, 16);
  return `rdprepair-${name}-${hash}`;
}

// Instance ids we hand out; anything else in a URL is rejected before it reaches the durable client.
const INSTANCE_ID = /^rdprepair-[a-z0-9-]{1,40}-[0-9a-f]{16}$/;

export function isRepairInstanceId(text: string): boolean {
  return INSTANCE_ID.test(text);
}
