import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Deps } from '../container.ts';
import type { App } from './app-types.ts';

/** The process's Prometheus registry; modules add their own metrics to it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'charla_' });

const httpDuration = new Histogram({
  name: 'charla_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/** `/metrics` in Prometheus text format, and request timing by route pattern (never by raw URL). */
export function registerMetrics(app: App, _deps: Deps) {
  // Label sets are few (method × route pattern × status), so their children are looked up once and kept:
  // prom-client would otherwise hash the labels on every request.
  const children = new Map<string, ReturnType<typeof httpDuration.labels>>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const key = `${req.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = httpDuration.labels({ method: req.method, route, status: String(reply.statusCode) });
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
}
