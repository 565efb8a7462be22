// Runs in every test worker before its test files.
// Tests must never reach the internet: outbound fetches to anything but this machine fail loudly.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname)) {
    throw new Error(`Unexpected outbound request in a test: ${url.origin}`);
  }
  return realFetch(input, init);
};
