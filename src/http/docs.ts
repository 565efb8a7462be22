import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { App } from './app-types.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/**
 * `/docs`: the Scalar API reference. Its plugin embeds a 4 MB browser bundle that costs about a second
 * and 35 MB to load, so it is imported on the first visit, into a small Fastify instance of its own that
 * this route forwards to, instead of at every start (see bench/foundation.bench.ts).
 */
export function registerDocs(app: App): void {
  let docs: Promise<FastifyInstance> | undefined;
  const load = () =>
    (docs ??= (async () => {
      const { default: scalar } = await import('@scalar/fastify-api-reference');
      const inner = Fastify({ logger: false });
      // What the reference shows: our OpenAPI document, with code samples in cURL, PHP, Node, Python, Java and Ruby.
      await inner.register(scalar, {
        routePrefix: '/docs',
        configuration: {
          url: '/api/v1/openapi.json',
          title: 'Charla API reference',
          defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
          hiddenClients: {
            c: true, clojure: true, csharp: true, dart: true, fsharp: true, go: true, http: true, js: true, julia: true,
            kotlin: true, objc: true, ocaml: true, powershell: true, r: true, rust: true, swift: true,
            shell: ['httpie', 'wget'], node: ['axios', 'ofetch', 'undici'], php: ['guzzle', 'laravel'],
            python: ['aiohttp', 'httpx_sync', 'httpx_async'], java: ['asynchttp', 'nethttp', 'unirest'],
          },
        },
      });
      await inner.ready();
      return inner;
    })());
  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    const inner = await load();
    const res = await inner.inject({ method: 'GET', url: req.url, headers: { accept: req.headers.accept ?? '*/*' } });
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    }
    return reply.status(res.statusCode).send(res.rawPayload);
  };
  const options = { config: { auth: 'public' as const }, schema: { hide: true } };
  app.get('/docs', options, forward);
  app.get('/docs/*', options, forward);
  app.addHook('onClose', async () => {
    if (docs) await (await docs).close();
  });
}
