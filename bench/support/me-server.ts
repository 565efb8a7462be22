import Fastify from 'fastify';
import { listen, startCharla } from './servers.ts';

/**
 * One server of the foundation suite in a process of its own, as Charla runs in production: a server
 * sharing the suite's process with the others would share its JIT feedback, heap and event loop with
 * them (a bare Fastify route and two Charla apps in one isolate make Fastify's hot functions polymorphic
 * and slow whichever is measured later). Started as `node --import tsx me-server.ts '<json>'` with
 * `{ kind: 'bare', me } | { kind: 'pglite' } | { kind: 'postgres', url }`; prints one JSON line
 * `{ url, headers }` when it listens, and closes when its standard input ends (the suite is done with it
 * or died).
 */
type Target = { kind: 'bare'; me: unknown } | { kind: 'pglite' } | { kind: 'postgres'; url: string };

const target = JSON.parse(process.argv[2] ?? '{}') as Target;
let close: () => Promise<void>;
if (target.kind === 'bare') {
  const bare = Fastify({ logger: false });
  bare.get('/api/v1/me', async () => target.me);
  process.stdout.write(`${JSON.stringify({ url: await listen(bare), headers: {} })}\n`);
  close = () => bare.close();
} else {
  const charla = await startCharla(target.kind === 'pglite' ? { kind: 'pglite' } : { kind: 'postgres', url: target.url });
  process.stdout.write(`${JSON.stringify({ url: charla.url, headers: charla.headers })}\n`);
  close = charla.close;
}
process.stdin.resume();
process.stdin.once('end', () => {
  void close().finally(() => process.exit(0));
});
