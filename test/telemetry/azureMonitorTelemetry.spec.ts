/** The production sink's settings: Entra ID ingestion as the host reads it, and the log-line fallback without Application Insights. */
import { entraIdentityFor, logLineTelemetry } from '../../src/telemetry/azureMonitorTelemetry';

describe('Azure Monitor telemetry settings', () => {
  it('uses Entra ID ingestion when the host setting asks for it, and none otherwise', () => {
    expect(entraIdentityFor(undefined)).toBeNull();
    expect(entraIdentityFor('Authorization=Key')).toBeNull();
    expect(entraIdentityFor('Authorization=AAD')).toEqual({});
    expect(entraIdentityFor('Authorization=AAD;ClientId=1111-2222')).toEqual({ managedIdentityClientId: '1111-2222' });
  });

  it('without a connection string, writes each event and metric as one JSON line', () => {
    const lines: string[] = [];
    const telemetry = logLineTelemetry((l) => lines.push(l));
    telemetry.event({ name: 'RepairStarted', properties: { repairId: 'r-2' } });
    telemetry.metric({ name: 'rdp_autorepair.restarts', value: 0, dimensions: { repairId: 'r-2' } });
    expect(lines).toEqual([
      'rdp-autorepair telemetry {"event":"RepairStarted","repairId":"r-2"}',
      'rdp-autorepair telemetry {"metric":"rdp_autorepair.restarts","value":0,"repairId":"r-2"}',
    ]);
  });
});
