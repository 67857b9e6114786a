// Security headers from helmet, computed once. @fastify/helmet rebuilds helmet's middleware on
// every request (a measured 6% of CPU on a small authenticated route), yet the headers are the
// same for every answer of this API; so helmet runs once at start-up and the result is replayed.
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet would set, captured from one run of its middleware. */
export function helmetHeaders(options: Readonly<HelmetOptions> = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => { headers[name] = String(value); },
    removeHeader: (name: string) => { delete headers[name]; },
  };
  helmet(options)({} as never, response as never, () => {});
  return headers;
}

/**
 * Helmet's defaults, minus upgrade-insecure-requests: StockMind is served over plain HTTP on a LAN
 * address as often as behind TLS, and that directive makes a browser fetch every script and style
 * over https on any host but localhost (the docs page then stays blank).
 */
export const SECURITY_HEADERS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};
