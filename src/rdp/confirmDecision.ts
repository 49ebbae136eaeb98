/**
 * What the answer to the Connection Request means: stop here with an outcome, or go on to TLS with the
 * protocol the server selected.
 */
import type { RdpSelectedProtocol } from '../domain/rdpProbe';
import type { ConfirmRead } from './connectionConfirmReader';
import { describeForeignBytes } from './foreignBytes';
import type { ProbeOutcome } from './probeOutcome';
import { parseConnectionConfirm, PROTOCOL_RDP, selectedProtocolName, TLS_BASED_PROTOCOLS } from './x224';

export type ConfirmDecision =
  | { kind: 'stop'; outcome: ProbeOutcome }
  /** `early`: bytes already received after the Connection Confirm, handed to the TLS client first. */
  | { kind: 'start-tls'; selectedProtocol: RdpSelectedProtocol; early: Buffer };

export function decideAfterConfirm(read: ConfirmRead): ConfirmDecision {
  switch (read.kind) {
    case 'timeout':
      return stop({ kind: 'confirm-timeout', timeoutMs: read.timeoutMs, received: read.received, announced: read.announced });
    case 'closed':
      return stop({ kind: 'closed-before-confirm', how: read.how, received: read.received, announced: read.announced });
    case 'not-tpkt':
      return stop({ kind: 'not-rdp', description: describeForeignBytes(read.bytes) });
    case 'bad-length':
      return stop({ kind: 'malformed-confirm', problem: read.problem });
    case 'frame':
      break;
  }
  const confirm = parseConnectionConfirm(read.frame);
  switch (confirm.kind) {
    case 'invalid':
      return stop({ kind: 'malformed-confirm', problem: confirm.problem });
    case 'failure':
      return stop({ kind: 'negotiation-failure', code: confirm.code, name: confirm.name });
    case 'legacy':
      return stop({ kind: 'standard-rdp-only', legacyReply: true });
    case 'selected':
      if (confirm.selectedProtocol === PROTOCOL_RDP) return stop({ kind: 'standard-rdp-only', legacyReply: false });
      if ((confirm.selectedProtocol & TLS_BASED_PROTOCOLS) === 0) {
        return stop({ kind: 'unexpected-selection', selectedProtocol: confirm.selectedProtocol });
      }
      return { kind: 'start-tls', selectedProtocol: selectedProtocolName(confirm.selectedProtocol), early: read.rest };
  }
}

function stop(outcome: ProbeOutcome): ConfirmDecision {
  return { kind: 'stop', outcome };
}
