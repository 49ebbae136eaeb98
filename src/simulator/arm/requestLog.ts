/**
 * SIMULATED: every request the simulated ARM answered, on the virtual clock. Tests read it to prove behaviour
 * that is otherwise invisible, e.g. "diagnose mode performs zero writes" or "the SDK retried after a 429".
 */
import type { RequestKind } from './http/router';

export interface RequestLogEntry {
  seq: number;
  /** Virtual time. */
  at: Date;
  method: string;
  /** Path without the query string. */
  path: string;
  operation: string;
  kind: RequestKind;
  /** HTTP status; 0 when a network error was injected instead of a response. */
  status: number;
  /** Set when the response came from an injected fault. */
  fault?: string;
}

export interface OperationStats {
  count: number;
  reads: number;
  writes: number;
  statuses: Record<string, number>;
}

export interface ArmStats {
  total: number;
  reads: number;
  writes: number;
  byOperation: Record<string, OperationStats>;
}

export class RequestLog {
  private readonly log: RequestLogEntry[] = [];

  record(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.log.push({ ...entry, seq: this.log.length + 1 });
  }

  entries(filter?: Partial<Pick<RequestLogEntry, 'method' | 'operation' | 'kind' | 'status'>>): RequestLogEntry[] {
    return this.log
      .filter((e) => !filter || Object.entries(filter).every(([k, v]) => e[k as keyof RequestLogEntry] === v))
      .map((e) => ({ ...e, at: new Date(e.at) }));
  }

  stats(): ArmStats {
    const stats: ArmStats = { total: 0, reads: 0, writes: 0, byOperation: {} };
    for (const entry of this.log) {
      stats.total += 1;
      stats[entry.kind === 'read' ? 'reads' : 'writes'] += 1;
      stats.byOperation[entry.operation] ??= { count: 0, reads: 0, writes: 0, statuses: {} };
      const op = stats.byOperation[entry.operation];
      op.count += 1;
      op[entry.kind === 'read' ? 'reads' : 'writes'] += 1;
      op.statuses[String(entry.status)] = (op.statuses[String(entry.status)] ?? 0) + 1;
    }
    return stats;
  }

  clear(): void {
    this.log.length = 0;
  }
}
