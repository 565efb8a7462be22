import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import type { Deps } from '../container.ts';
import type { App } from './app-types.ts';

/** The process's Prometheus registry; modules add their own metrics to it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'charla_' });

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * `charla_http_request_duration_seconds`, a Prometheus histogram by method, route pattern and status —
 * the same series prom-client's `Histogram` exports, but an observation is a map lookup and two
 * increments: prom-client re-validates and re-hashes the labels and converts the bucket bound to a
 * property name on every observation, a visible part of a small request's cost (bench/foundation.bench.ts).
 * Registered in `metricsRegistry` as a custom metric (prom-client renders it through `get()`).
 */
export class RequestDurationHistogram {
  readonly name = 'charla_http_request_duration_seconds';
  readonly help = 'HTTP request duration by route and status';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#series.get(key);
    if (!series) {
      series = { labels: { method, route, status: String(status) }, counts: new Array(BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    series.counts[i]!++;
    series.sum += seconds;
    series.count++;
  }

  /** The series in prom-client's format: cumulative `_bucket`s (with `le`), `_sum` and `_count`. */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= BUCKETS.length; i++) {
        cumulative += counts[i]!;
        values.push({ labels: { ...labels, le: i < BUCKETS.length ? BUCKETS[i]! : '+Inf' }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels, value: sum, metricName: `${this.name}_sum` }, { labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.#series.clear();
  }
}

const httpDuration = new RequestDurationHistogram();
metricsRegistry.registerMetric(httpDuration as unknown as Metric);

/** `/metrics` in Prometheus text format, and request timing by route pattern (never by raw URL). */
export function registerMetrics(app: App, _deps: Deps) {
  app.addHook('onResponse', (req, reply, done) => {
    httpDuration.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
}
