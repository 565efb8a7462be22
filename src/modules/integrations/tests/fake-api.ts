import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A handler's answer: status, headers and a body (objects are sent as JSON). */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

/** A real HTTP server on 127.0.0.1 and a random port, standing in for a customer's API. */
export interface FakeApi {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Replaces the handler. */
  handle(fn: (req: ReceivedRequest) => FakeAnswer | Promise<FakeAnswer>): void;
  close(): Promise<void>;
}

/** Starts a fake API (port 0); every request is recorded, then answered by the current handler. */
export async function startFakeApi(handler: (req: ReceivedRequest) => FakeAnswer | Promise<FakeAnswer> = () => ({ body: { ok: true } })): Promise<FakeApi> {
  let current = handler;
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const received = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      try {
        const answer = await current(received);
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        if (res.destroyed) return;
        const body = answer.body === undefined ? '' : typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body);
        const headers = { ...(typeof answer.body === 'object' && !Buffer.isBuffer(answer.body) ? { 'content-type': 'application/json' } : {}), ...answer.headers };
        res.writeHead(answer.status ?? 200, headers);
        res.end(body);
      } catch (err) {
        res.writeHead(500);
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle(fn) {
      current = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
