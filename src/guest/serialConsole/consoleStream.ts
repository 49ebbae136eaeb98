/**
 * The serial console as a byte stream: what the SAC client reads and types through. The websocket to the serial
 * console gateway implements it (gatewaySocket.ts); tests can implement it over anything.
 */
export interface StreamEnd {
  code: number;
  reason: string;
}

export interface ConsoleStream {
  /** Types text at the console (each line ends with CR, as a terminal's Enter key sends it). */
  write(text: string): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the stream ends, whoever ended it. */
  onEnd(listener: (end: StreamEnd) => void): void;
  /** Bytes received so far: a session the gateway ends before saying anything was refused, not kicked. */
  received(): number;
  /** Ends the session and resolves once it is closed (bounded); safe to call more than once. */
  close(): Promise<void>;
}
