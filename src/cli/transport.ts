/**
 * How the CLI reaches the repair API: over HTTP to a deployed app (httpTransport.ts) or in process to the
 * simulator (simulatedTransport.ts). The API client and --follow see only this.
 */
export interface ApiResponse {
  status: number;
  /** The parsed JSON body; null when there was none or it was not JSON. */
  body: unknown;
  /** False when the response had a body that was not JSON (e.g. an HTML page from something else at that URL). */
  json: boolean;
  /** The Location header of a redirect, which the CLI reports instead of following. */
  location?: string;
}

export interface Transport {
  /** Where requests go, for messages (never includes the key). */
  readonly target: string;
  send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResponse>;
  /** Lets time pass between two polls of --follow: real time over HTTP, the simulation's next step in process. */
  pause(ms: number): Promise<void>;
  /** The clock elapsed times are measured by (the simulation's virtual clock when simulated). */
  now(): number;
  close(): Promise<void>;
}
