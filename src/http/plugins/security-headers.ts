// Security headers from helmet, computed once. @fastify/helmet rebuilds helmet's middleware on
// every request (a measured 6% of CPU on a small authenticated route), yet the headers are the
// same for every answer of this API; so helmet runs once at start-up and the result is replayed.
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet would set, captured from one run of its middleware. Names in lower case:
 * Fastify lowercases every header name it is given, and a name already in lower case stays the
 * same interned string, which V8 adds to an answer's header object on its fast path (a mixed-case
 * name became a new string on every request, looked up in the string table).
 */
export function helmetHeaders(options: Readonly<HelmetOptions> = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => { headers[name.toLowerCase()] = String(value); },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()]; },
  };
  helmet(options)({} as never, response as never, () => {});
  return headers;
}

/**
 * For documents (the API docs, later the web pages): helmet's defaults, minus
 * upgrade-insecure-requests: StockMind is served over plain HTTP on a LAN address as often as
 * behind TLS, and that directive makes a browser fetch every script and style over https on any
 * host but localhost (the docs page then stays blank).
 */
export const DOCUMENT_SECURITY: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

/**
 * For JSON answers: the headers that act on a response a browser does not render, as the OWASP
 * REST Security Cheat Sheet lists them. A policy that loads nothing and may not be framed,
 * no cross-origin no-cors reads, HSTS, no MIME sniffing, no framing. Helmet's others
 * (Cross-Origin-Opener-Policy, Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) govern documents only:
 * on each of the API's answers they were seven more headers to write, and half its header bytes.
 */
export const API_SECURITY: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};
