/**
 * SIMULATED: `npm run demo -- --watch`. Three VMs opted into the watch on simulated Azure; one turns broken on
 * patch night. The REAL timer function runs its rounds (five simulated minutes apart), publishes
 * RdpAutoRepair.ConnectionFailed to the simulated Event Grid topic, the recorded event is delivered to the app's
 * Event Grid trigger, the repair runs, and the next rounds see the VM healthy and publish Recovered.
 */
import { runRepairFromAlert } from './alertDelivery';
import { SIM_TOPIC_ENDPOINT } from './eventGridTopic';
import { disableTlsAndReboot, watchedVm } from './scenarios/watchFleet';
import { SimulatedRepairApp } from './simulatedRepairApp';

const FIVE_MINUTES = 5 * 60 * 1000;
/** The watch's timer function as the app registers it (src/functions/watch.ts); fired as the host would. */
const WATCH_TIMER = 'watchRdp';

export async function runWatchDemo(out: (line: string) => void): Promise<number> {
  const settings = { WATCH_ENABLED: 'true', WATCH_EVENT_TOPIC_ENDPOINT: SIM_TOPIC_ENDPOINT };
  const app = await SimulatedRepairApp.start({ settings });
  try {
    const [web01] = await app.addScenarios([
      watchedVm('vm-web-01'),
      watchedVm('vm-web-02'),
      watchedVm('vm-batch-01', { powerState: 'deallocated' }),
    ]);
    if (!web01) throw new Error('the demo fleet was not seeded');
    const startMs = app.clock.nowMs();
    const at = () => `T+${String(Math.round((app.clock.nowMs() - startMs) / 60000)).padStart(2, '0')}m`;
    out('SIMULATED Azure: no real resources are touched.');
    out(`Settings: WATCH_ENABLED=true WATCH_EVENT_TOPIC_ENDPOINT=${SIM_TOPIC_ENDPOINT} (WATCH_FAILURES_BEFORE_EVENT=2)`);
    out('Three VMs tagged rdp-autorepair-watch=on: vm-web-01, vm-web-02, vm-batch-01 (deallocated).');
    let published = 0;
    const round = async (): Promise<void> => {
      const logs = await app.timer(WATCH_TIMER);
      await app.emulator.runUntilIdle({ advanceClock: false });
      out(`${at()}  round`);
      for (const l of logs) {
        const m = l.message;
        if (m.startsWith('WatchVm ')) out(`        ${m.replace(/vm="[^"]*\/([^/"]+)"/, '$1')}`);
        else if (m.startsWith('WatchRound ')) out(`        ${m}`);
      }
      for (const e of app.topic.published.slice(published)) {
        out(`        published to the topic: ${e.eventType} id=${e.id} subject=${e.subject.split('/').pop()}`);
        out(`          data: ${JSON.stringify(e.data)}`);
      }
      published = app.topic.published.length;
      app.clock.advanceBy(FIVE_MINUTES);
    };
    await round();
    out(`${at()}  patch night: a hardening script disables TLS 1.2 on vm-web-01, which reboots`);
    disableTlsAndReboot(app.guestOf(web01.vmId)!, app.clock.nowMs());
    await round();
    await round();
    const event = app.topic.published.find((e) => e.eventType === 'RdpAutoRepair.ConnectionFailed');
    if (!event) throw new Error('the watch published no ConnectionFailed');
    out(`${at()}  Event Grid delivers ${event.eventType} to the app's trigger (receiveAlertEvent)`);
    const seen = new Set<string>();
    const run = await runRepairFromAlert(app, event, web01.vmId, {
      onDelivered: (d) => {
        for (const entry of d.logs) out(`        handler: ${entry.message}`);
      },
      onStatus: (s: any) => {
        for (const t of s.timeline ?? []) {
          const key = `${t.step} ${t.status} ${t.detail}`;
          if (t.status !== 'running' && !seen.has(key)) {
            seen.add(key);
            out(`        repair ${t.step.padEnd(16)} ${t.status.padEnd(9)} ${t.detail}`);
          }
        }
      },
    });
    out(`        repair ${run.id} ended ${run.status?.outcome?.kind ?? 'not started'}: ${run.status?.outcome?.reason ?? ''}`);
    await round();
    await round();
    const watch = await app.http('GET', '/api/watch');
    out('GET /api/watch');
    for (const v of watch.body.vms) {
      const name = String(v.vmResourceId).split('/').pop() ?? '';
      out(`  ${name.padEnd(12)} lastVerdict=${v.lastVerdict ?? '-'} observation=${v.lastObservation?.kind} failed=${v.failed}`);
    }
    return run.status?.outcome?.kind === 'Repaired' ? 0 : 1;
  } finally {
    await app.close();
  }
}
