/**
 * Structure of deploy/azuredeploy.json: nothing a real deployment would only find out in Azure, as far as a
 * static reading can tell. The settings part reads the app's own setting readers so a new setting or a changed
 * default cannot be forgotten in the template.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES, DEFAULT_MAX_CONCURRENT_REPAIRS } from '../../src/domain/config';
import { DEFAULT_WATCH_BUDGET_SECONDS, DEFAULT_WATCH_SCHEDULE } from '../../src/domain/watchConfig';
import { DEFAULT_SOURCE_PREFIX_LIMITS } from '../../src/domain/sourceCidrPolicy';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  type: string;
  apiVersion: string;
  name: string;
  properties?: { [key: string]: Json };
  [key: string]: Json | undefined;
}
interface Template {
  parameters: Record<string, { type: string; defaultValue?: Json; minValue?: number; maxValue?: number; allowedValues?: Json[] }>;
  variables?: Record<string, Json>;
  resources: Resource[];
  outputs?: Record<string, { type: string; value: Json }>;
}

const root = join(__dirname, '..', '..');
const template = JSON.parse(readFileSync(join(root, 'deploy', 'azuredeploy.json'), 'utf8')) as Template;

// Checked against the Microsoft.* template references (learn.microsoft.com/azure/templates) and the Flex
// Consumption samples: Flex Consumption's functionAppConfig needs Microsoft.Web 2023-12-01 or later.
const CHECKED_API_VERSIONS: Record<string, string> = {
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Storage/storageAccounts': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices/containers': '2023-05-01',
  'Microsoft.Web/serverfarms': '2024-04-01',
  'Microsoft.Web/sites': '2024-04-01',
  'Microsoft.Web/sites/extensions': '2024-04-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.Authorization/roleDefinitions': '2022-04-01',
  'Microsoft.Resources/deployments': '2022-09-01',
};

interface Located {
  resource: Resource;
  /** The template (outer or nested) the resource is declared in. */
  owner: Template;
}

function allResources(t: Template): Located[] {
  const found: Located[] = [];
  for (const resource of t.resources) {
    found.push({ resource, owner: t });
    const nested = resource.properties?.template as unknown as Template | undefined;
    if (resource.type === 'Microsoft.Resources/deployments' && nested) found.push(...allResources(nested));
  }
  return found;
}

/** The template's text without its nested templates, whose parameters() refer to their own parameters. */
function ownText(t: Template): string {
  const copy = JSON.parse(JSON.stringify(t)) as Template;
  for (const resource of copy.resources) {
    if (resource.type === 'Microsoft.Resources/deployments' && resource.properties) delete resource.properties.template;
  }
  return JSON.stringify(copy);
}

function templates(t: Template): Template[] {
  return [
    t,
    ...t.resources.flatMap((r) =>
      r.type === 'Microsoft.Resources/deployments' && r.properties?.template ? templates(r.properties.template as unknown as Template) : [],
    ),
  ];
}

const site = template.resources.find((r) => r.type === 'Microsoft.Web/sites');
const appSettings = new Map(
  ((site?.properties?.siteConfig as { appSettings?: { name: string; value: string }[] } | undefined)?.appSettings ?? []).map((s) => [
    s.name,
    s.value,
  ]),
);

describe('deploy/azuredeploy.json', () => {
  it('uses every parameter it declares and declares every parameter it uses, in each nested template too', () => {
    for (const t of templates(template)) {
      const text = ownText(t);
      const used = new Set([...text.matchAll(/parameters\('([^']+)'\)/g)].map((m) => m[1]));
      const declared = Object.keys(t.parameters ?? {});
      expect(declared.filter((p) => !used.has(p))).toEqual([]);
      expect([...used].filter((p) => !declared.includes(p))).toEqual([]);
      const usedVariables = new Set([...text.matchAll(/variables\('([^']+)'\)/g)].map((m) => m[1]));
      expect(Object.keys(t.variables ?? {}).filter((v) => !usedVariables.has(v))).toEqual([]);
      expect([...usedVariables].filter((v) => !(v in (t.variables ?? {})))).toEqual([]);
    }
  });

  it('depends only on resources it declares, an extension resource (a role assignment) through its own scope', () => {
    for (const t of templates(template)) {
      const names = new Set(t.resources.flatMap((r) => [r.name, ...(r.copy ? [(r.copy as { name: string }).name] : [])]));
      for (const resource of t.resources) {
        for (const dependency of (resource.dependsOn as string[] | undefined) ?? []) {
          const byId = /^\[(resourceId|extensionResourceId)\((.*)\)\]$/.exec(dependency);
          if (!byId) {
            expect({ dependency, declared: names.has(dependency) }).toEqual({ dependency, declared: true });
            continue;
          }
          // resourceId('Type', ...) names its type first; extensionResourceId(<scope id>, 'Type', ...) after the scope.
          const typePattern = byId[1] === 'resourceId' ? /^'(Microsoft\.[^']+)'/ : /\), '(Microsoft\.[^']+)'/;
          const type = typePattern.exec(byId[2])?.[1];
          const target = t.resources.filter((r) => r.type === type);
          expect({ dependency, declared: target.length > 0 }).toEqual({ dependency, declared: true });
          // resourceId() cannot name a resource deployed with a scope: its id is under that scope.
          const scoped = target.some((r) => r.scope !== undefined);
          expect({ dependency, function: byId[1] }).toEqual({ dependency, function: scoped ? 'extensionResourceId' : 'resourceId' });
        }
      }
    }
  });

  it('uses only resource types and API versions from the checked list', () => {
    const seen = allResources(template).map(({ resource }) => `${resource.type}@${resource.apiVersion}`);
    for (const entry of seen) {
      const [type, version] = entry.split('@');
      expect({ type, version: CHECKED_API_VERSIONS[type] }).toEqual({ type, version });
    }
    expect(new Set(seen.map((s) => s.split('@')[0]))).toEqual(new Set(Object.keys(CHECKED_API_VERSIONS)));
  });

  it('names every role assignment deterministically with guid()', () => {
    const assignments = allResources(template).filter(({ resource }) => resource.type === 'Microsoft.Authorization/roleAssignments');
    expect(assignments.length).toBeGreaterThanOrEqual(5);
    for (const { resource } of assignments) {
      expect(resource.name).toMatch(/^\[guid\(.+\)\]$/);
      expect(resource.name).not.toMatch(/newGuid|utcNow/);
      expect(resource.properties?.principalType).toBe('ServicePrincipal');
    }
    const definition = allResources(template).find(({ resource }) => resource.type === 'Microsoft.Authorization/roleDefinitions');
    expect(definition?.resource.name).toMatch(/^\[(guid\(|parameters\()/);
    expect(JSON.stringify(template.variables)).toContain("guid(subscription().id, resourceGroup().id, parameters('appName')");
  });

  it('assigns the custom role, with exactly the actions of deploy/rdp-autorepair-role.json, on every repair scope', () => {
    const role = JSON.parse(readFileSync(join(root, 'deploy', 'rdp-autorepair-role.json'), 'utf8')) as { Actions: string[] };
    const definition = allResources(template).find(({ resource }) => resource.type === 'Microsoft.Authorization/roleDefinitions');
    const permissions = definition?.resource.properties?.permissions as { actions: string[]; dataActions: string[] }[];
    expect(permissions).toEqual([{ actions: role.Actions, notActions: [], dataActions: [], notDataActions: [] }]);
    const perScope = template.resources.find((r) => r.type === 'Microsoft.Resources/deployments' && r.copy !== undefined);
    expect(perScope?.copy).toEqual({ name: 'repairScopeAssignments', count: "[length(parameters('repairScopes'))]" });
    expect(perScope?.resourceGroup).toBe("[split(parameters('repairScopes')[copyIndex()], '/')[4]]");
    expect(perScope?.subscriptionId).toBe("[split(parameters('repairScopes')[copyIndex()], '/')[2]]");
    expect(appSettings.get('REPAIR_ALLOWED_SCOPES')).toBe("[join(parameters('repairScopes'), ',')]");
  });

  it('gives snapshot delete rights only through the retention role, defined and assigned only when retention is on', () => {
    const role = JSON.parse(readFileSync(join(root, 'deploy', 'rdp-autorepair-retention-role.json'), 'utf8')) as { Actions: string[] };
    expect(role.Actions).toEqual([
      'Microsoft.Compute/snapshots/read',
      'Microsoft.Compute/snapshots/delete',
      'Microsoft.Compute/disks/read',
      'Microsoft.Compute/disks/delete',
    ]);
    const definitions = allResources(template).filter(({ resource }) => resource.type === 'Microsoft.Authorization/roleDefinitions');
    expect(definitions).toHaveLength(2);
    const actionsOf = (d: Located) => (d.resource.properties?.permissions as { actions: string[] }[] | undefined)?.[0]?.actions ?? [];
    // The repair role deletes only what the offline repair's cleanup removes (its own rescue VM, NIC and disk
    // copies, checked by tag in the app); never a snapshot: old snapshots go only through the retention role.
    expect(actionsOf(definitions[0]!).filter((a) => a.endsWith('/delete') && !a.includes('runCommands'))).toEqual([
      'Microsoft.Compute/virtualMachines/delete',
      'Microsoft.Compute/disks/delete',
      'Microsoft.Network/networkInterfaces/delete',
    ]);
    expect(actionsOf(definitions[0]!).some((a) => a.startsWith('Microsoft.Compute/snapshots/') && a.endsWith('/delete'))).toBe(false);
    expect(actionsOf(definitions[1]!)).toEqual(role.Actions);
    const retention = template.resources.filter((r) => r.type === 'Microsoft.Resources/deployments' && /retention/i.test(String(r.name)));
    expect(retention).toHaveLength(2);
    for (const r of retention) expect((r as { condition?: string }).condition).toBe("[variables('retentionOn')]");
    expect(template.variables?.retentionOn).toBe(
      "[or(greater(parameters('snapshotRetentionDays'), 0), greater(parameters('originalDiskRetentionDays'), 0))]",
    );
  });

  it.each([
    ['SNAPSHOT_RETENTION_DAYS', 'snapshotRetentionDays'],
    ['ORIGINAL_DISK_RETENTION_DAYS', 'originalDiskRetentionDays'],
  ])('%s is unset (keep for ever) by default: 0 in the template, an empty setting for the app', (setting, param) => {
    expect(appSettings.get(setting)).toBe(`[if(equals(parameters('${param}'), 0), '', string(parameters('${param}')))]`);
    expect(template.parameters[param]).toMatchObject({ type: 'int', defaultValue: 0, minValue: 0, maxValue: 3650 });
  });

  it('puts no secret in the outputs and no key anywhere', () => {
    const outputs = JSON.stringify(template.outputs ?? {});
    expect(outputs).not.toMatch(/list[A-Za-z]*\(|secret|password|key|connectionstring|instrumentation/i);
    const whole = JSON.stringify(template);
    expect(whole).not.toMatch(/listKeys|AccountKey=|SharedAccessSignature|newGuid/);
    for (const [name, value] of Object.entries(template.parameters)) {
      if (/secret|password|key/i.test(name)) expect(value.type).toBe('securestring');
    }
  });

  it('is a Flex Consumption app on Node.js 22 with identity-based storage and Application Insights', () => {
    const plan = template.resources.find((r) => r.type === 'Microsoft.Web/serverfarms');
    expect(plan?.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    const config = site?.properties?.functionAppConfig as { runtime: Json; deployment: { storage: { authentication: Json } } };
    expect(config.runtime).toEqual({ name: 'node', version: '22' });
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=22\./);
    expect(config.deployment.storage.authentication).toEqual({ type: 'SystemAssignedIdentity' });
    expect(site?.identity).toEqual({ type: 'SystemAssigned' });
    expect(appSettings.get('AzureWebJobsStorage__accountName')).toBe("[variables('storageName')]");
    expect(appSettings.has('AzureWebJobsStorage')).toBe(false);
    expect(appSettings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe('Authorization=AAD');
    const storage = template.resources.find((r) => r.type === 'Microsoft.Storage/storageAccounts');
    expect(storage?.properties?.allowSharedKeyAccess).toBe(false);
    // Flex Consumption refuses these settings: the runtime and the package come from functionAppConfig.
    for (const refused of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_NODE_DEFAULT_VERSION',
    ]) {
      expect(appSettings.has(refused)).toBe(false);
    }
    const storageRoles = template.variables?.storageRoles as Record<string, string>;
    // Blob (host and deployment container), queue and table (the Durable Functions task hub in Azure Storage).
    expect(Object.keys(storageRoles).sort()).toEqual(['blobDataOwner', 'queueDataContributor', 'tableDataContributor']);
  });

  it('deploys the package from packageUri through onedeploy only when one is given', () => {
    const onedeploy = template.resources.find((r) => r.type === 'Microsoft.Web/sites/extensions');
    expect(onedeploy?.name).toBe("[concat(parameters('appName'), '/onedeploy')]");
    expect(onedeploy?.condition).toBe("[not(empty(parameters('packageUri')))]");
    expect(onedeploy?.properties?.packageUri).toBe("[parameters('packageUri')]");
    expect(template.parameters.packageUri.defaultValue).toBe('');
  });

  describe('settings', () => {
    const sources = ['src/domain/config.ts', 'src/domain/alertPolicyConfig.ts', 'src/domain/watchConfig.ts']
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');
    const integerSettings = [...sources.matchAll(/integerSetting\(\s*env,\s*'([A-Z0-9_]+)',\s*([^,]+),\s*(\d+),\s*(\d+)\)/g)];
    const otherSettings = [...new Set([...sources.matchAll(/env\.([A-Z][A-Z0-9_]+)|flag\(env, '([A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]))];

    it('finds the settings in the code (the reading below is not vacuous)', () => {
      expect(integerSettings.length).toBeGreaterThanOrEqual(13);
      expect(otherSettings).toEqual(
        expect.arrayContaining([
          'REPAIR_ALLOWED_SCOPES',
          'RDP_PROBE_ADDRESS',
          'PROBE_SOURCE_ADDRESSES',
          'ALERT_MIN_SEVERITY',
          'ALERT_ALLOWED_SOURCE_CIDRS',
        ]),
      );
    });

    it.each(integerSettings.map((m) => [m[1], m[2], Number(m[3]), Number(m[4])] as const))(
      '%s has the code default and bounds',
      (name, fallback, min, max) => {
        const value = appSettings.get(name);
        const param = /^\[string\(parameters\('([A-Za-z0-9]+)'\)\)\]$/.exec(value ?? '')?.[1];
        expect(param).toBeDefined();
        const declared = template.parameters[param as string];
        // Defaults that are named constants rather than literals.
        const named: Record<string, number> = {
          'DEFAULT_SOURCE_PREFIX_LIMITS.minPrefixV4': DEFAULT_SOURCE_PREFIX_LIMITS.minPrefixV4,
          DEFAULT_APPROVAL_TIMEOUT_MINUTES,
          DEFAULT_MAX_CONCURRENT_REPAIRS,
          DEFAULT_WATCH_BUDGET_SECONDS,
        };
        const expectedDefault = named[fallback.trim()] ?? Number(fallback);
        expect({ defaultValue: declared.defaultValue, minValue: declared.minValue, maxValue: declared.maxValue }).toEqual({
          defaultValue: expectedDefault,
          minValue: min,
          maxValue: max,
        });
      },
    );

    it('sets every other setting the code reads, except the identity override', () => {
      const expected = otherSettings.filter((n) => n !== 'AZURE_CLIENT_ID');
      expect(expected.filter((n) => !appSettings.has(n))).toEqual([]);
      expect(appSettings.has('AZURE_CLIENT_ID')).toBe(false);
    });

    it("holds the code's defaults for the non-numeric settings", () => {
      const defaultOf = (setting: string) => {
        const param = /parameters\('([A-Za-z0-9]+)'\)/.exec(appSettings.get(setting) ?? '')?.[1];
        return template.parameters[param as string].defaultValue;
      };
      expect(defaultOf('RDP_PROBE_ADDRESS')).toBe('public');
      expect(defaultOf('PROBE_SOURCE_ADDRESSES')).toBe('');
      expect(defaultOf('ALERT_MIN_SEVERITY')).toBe('Sev4');
      expect(defaultOf('REPAIR_ON_HEALTH_EVENTS')).toBe(false);
      expect(defaultOf('ALERT_ALLOWED_SOURCE_CIDRS')).toBe('');
      expect(defaultOf('WATCH_ENABLED')).toBe(false);
      expect(defaultOf('WATCH_SCHEDULE')).toBe(DEFAULT_WATCH_SCHEDULE);
      expect(defaultOf('WATCH_EVENT_TOPIC_ENDPOINT')).toBe('');
    });

    it('sets every setting of the README tables that the platform does not own', () => {
      const settingsSection = (file: string) =>
        /\n## Settings\n([\s\S]*?)(\n## |$)/.exec(readFileSync(join(root, file), 'utf8'))?.[1] ?? '';
      const tables = settingsSection('README.md') + settingsSection('docs/alerts.md');
      const named = [...tables.matchAll(/^\| `([A-Z][A-Za-z0-9_]+)` \|/gm)].map((m) => m[1]);
      expect(named.length).toBeGreaterThan(10);
      const notTemplate = ['AZURE_CLIENT_ID', 'AzureWebJobsStorage'];
      expect(named.filter((n) => !notTemplate.includes(n) && !appSettings.has(n))).toEqual([]);
    });
  });
});
