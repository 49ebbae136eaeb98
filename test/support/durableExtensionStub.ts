/**
 * A loopback stand-in for the Durable Functions extension's HTTP API, so durable-functions' REAL DurableClient
 * (df.getClient) can be compared with the emulator's client. Each test decides the answers.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type StubHandler = (request: { method: string; path: string; headers: http.IncomingHttpHeaders }) => StubReply | Promise<StubReply>;

export interface ExtensionStub {
  client: df.DurableClient;
  close(): Promise<void>;
}

export async function startExtensionStub(handle: StubHandler): Promise<ExtensionStub> {
  const server = http.createServer((req, res) => {
    void Promise.resolve(handle({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers })).then(
      ({ status, headers, body }) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...(headers ?? {}) });
        res.end(body === undefined ? '' : JSON.stringify(body));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The durable client input binding data the extension gives a function (newer extensions: rpcBaseUrl).
  const clientInput = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [clientInput] } });
  context.extraInputs.set(clientInput, {
    taskHubName: 'SimHub',
    creationUrls: {},
    managementUrls: {},
    baseUrl: `http://127.0.0.1:${port}/runtime/webhooks/durabletask`,
    requiredQueryStringParameters: '',
    rpcBaseUrl: `http://127.0.0.1:${port}/durabletask/`,
  });
  return { client: df.getClient(context), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
