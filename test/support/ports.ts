import net from 'node:net';

/**
 * A free TCP port for a server a test starts later (after it has baked the URL into configuration),
 * chosen OUTSIDE the kernel's ephemeral range (32768–60999 on Linux). A port the kernel handed out
 * for `listen(0)` is ephemeral: between our probe and the real `listen`, any outgoing connection of
 * this or another process (database pools, fetches, Chromium) may take it, and the server then fails
 * with EADDRINUSE. Ports 20000–30999 are only ever taken by explicit binds.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 11_000);
    const server = net.createServer();
    server.unref();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, host, () => resolve(true));
    });
    if (ok) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new Error('no free TCP port between 20000 and 30999');
}
