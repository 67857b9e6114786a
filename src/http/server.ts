// The Fastify app: conventions first (ids, JSON, validation, errors, CORS, headers, docs,
// auth), then each area's routes. Every plugin owns one concern.
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { lazyChild, type ErrorReporter } from '../logging.ts';
import type { Config } from '../config.ts';
import { invalid } from '../domain/errors.ts';
import { ErrorEnvelope, errorBody } from './envelope.ts';
import { registerAuth, type AuthDeps } from './plugins/auth.ts';
import { corsStep, type CorsPolicy } from './plugins/cors.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerJsonBody } from './plugins/json-body.ts';
import { registerMetrics, type MetricsEndpoint } from './plugins/metrics.ts';
import { runFirstOnRequest } from './plugins/route-hooks.ts';
import { API_SECURITY, DOCUMENT_SECURITY, helmetHeaders } from './plugins/security-headers.ts';
import { registerValidation } from './plugins/validation.ts';
import { adminRoutes, type AdminRouteDeps } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes, type HealthDeps } from './routes/health.ts';
import { homeRoutes } from './routes/home.ts';
import { marketRoutes, type MarketRouteDeps } from './routes/market.ts';
import { analyticsRoutes, type AnalyticsRouteDeps } from './routes/analytics.ts';
import { portfolioRoutes, type PortfolioRouteDeps } from './routes/portfolio.ts';
import { newsRoutes, type NewsRouteDeps } from './routes/news.ts';
import { predictionRoutes, type PredictionRouteDeps } from './routes/predictions.ts';
import type { AuthRouteDeps } from './routes/auth.ts';
import { indicatorRoutes, type IndicatorRouteDeps } from './routes/indicators.ts';
import { scannerRoutes, type ScannerRouteDeps } from './routes/scanner.ts';
import { screenRoutes, type ScreenRouteDeps } from './routes/screens.ts';

export type HttpDeps = AuthDeps & AuthRouteDeps & MarketRouteDeps & NewsRouteDeps & PredictionRouteDeps & IndicatorRouteDeps & ScannerRouteDeps & ScreenRouteDeps & PortfolioRouteDeps & AnalyticsRouteDeps & AdminRouteDeps & { health: HealthDeps; metrics: MetricsEndpoint; reports: ErrorReporter };

export const BODY_LIMIT = 1024 * 1024;
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Loopback origins: a client on the developer's own machine (Vite on :5173, say). */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Who may call from a browser on another origin, and with what. */
function corsPolicy(config: Config): CorsPolicy {
  // No list: any origin while DEBUG, else only this machine's.
  const origins = config.corsOrigins.includes('*') ? '*' as const
    : config.corsOrigins.length > 0 ? config.corsOrigins : config.debug ? true : [LOOPBACK_ORIGIN];
  return {
    origins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
    exposedHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'X-Request-Id'],
    maxAgeSeconds: 600,
  };
}

/**
 * Fastify's per-request log lines ("incoming request", "request completed") are info lines: when
 * info is off, skip them before their arguments are built. Errors are still logged.
 */
class RequestLog extends LogController {
  constructor(private readonly log: Logger) {
    super();
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (this.log.isLevelEnabled('info')) super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error || this.log.isLevelEnabled('info')) super.requestCompleted(error, request, reply);
  }
}

/**
 * What Node answers itself before Fastify sees a request (headers too large, a malformed request
 * line), as the error envelope: written straight to the socket, as Node's own answer would be.
 */
function clientErrorAnswer(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message = status === 431 ? 'Request headers are too large (the limit is 16 KB).'
    : status === 408 ? 'The request took too long to arrive.'
      : 'Malformed HTTP request.';
  const body = JSON.stringify(errorBody(status, message, { request: [message] }));
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** The router's own refusals (a path parameter too long, malformed percent-encoding), as the envelope. */
const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, request, reply) => {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message = status === 414 ? 'A path segment is too long (at most 100 characters).' : 'Malformed URL: the path has invalid percent-encoding.';
  void (reply as FastifyReply).header('X-Request-Id', request.id).status(status).send(errorBody(status, message, { url: [message] }));
};

export async function buildServer(config: Config, log: Logger, deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // A request without a Host header gets the envelope below rather than Node's empty 400.
    ...({ http: { requireHostHeader: false } } as object),
    clientErrorHandler: clientErrorAnswer,
    frameworkErrors,
    // Typed as Fastify's base logger so plugins and routes see one logger type.
    loggerInstance: log as FastifyBaseLogger,
    logController: new RequestLog(log),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // A request's logger is made when it first logs at an enabled level, not for every request.
    childLoggerFactory: (logger, bindings, options) => lazyChild(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger,
    // Keep a caller's request id when it is sane, so one id follows a request across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  registerJsonBody(app);
  registerValidation(app);
  const answerOptions = registerErrorHandling(app, deps.reports);
  // The headers every answer carries, computed once; set in the one hook every request passes,
  // with the checks every request gets, before any route's own work.
  const headers = helmetHeaders(API_SECURITY);
  const documentHeaders = helmetHeaders(DOCUMENT_SECURITY);
  const cors = corsStep(corsPolicy(config));
  // Django's ALLOWED_HOSTS: refuse requests for a Host we do not serve (DNS rebinding).
  const allowedHosts = config.allowedHosts.length > 0 && !config.allowedHosts.includes('*')
    ? new Set(config.allowedHosts.map((host) => host.toLowerCase())) : null;
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    // A NUL in a path or query value can never be stored or matched: refuse it up front.
    if (request.url.includes('%00')) return done(invalid('NUL characters are not allowed in URLs.', { url: ['Remove %00 from the path or query.'] }));
    if (!request.headers.host) return done(invalid('Missing Host header.', { host: ['HTTP/1.1 requests must name the host.'] }));
    if (allowedHosts && !allowedHosts.has(request.hostname.toLowerCase())) return done(invalid('Invalid Host header.', { host: ['Host not allowed.'] }));
    // A CORS preflight is answered here, before credentials are asked for.
    if (cors(request, reply)) return;
    if (request.method === 'OPTIONS') return answerOptions(request, reply);
    done();
  });

  app.addSchema(ErrorEnvelope);

  app.addHook('onRoute', (route) => {
    // The docs are static and public: no credentials, no quota.
    if (!route.url.startsWith('/api/docs')) return;
    route.config = { ...route.config, auth: 'none', rateLimit: false };
    // A page a browser renders gets the document headers in place of the API's.
    const asDocument = (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.headers(documentHeaders);
      done();
    };
    runFirstOnRequest(route, asDocument);
  });
  // Before any route is added: it composes each route's admission as the route is added.
  registerAuth(app, deps);
  await app.register(swagger, {
    openapi: {
      info: { title: 'StockMind API', version: deps.health.version, description: 'Quotes, indicators, scanner, forecasts, sentiment, portfolios. Every answer is the envelope `{data, message, status, success}`.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
  });
  // The docs work over plain HTTP on any host: no upgrade-insecure-requests, or a browser would ask
  // for their scripts over https on any address but localhost.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs', staticCSP: true, uiConfig: { docExpansion: 'list' },
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });

  // After the docs plugin (so /metrics is documented); its hook observes every route all the same.
  if (config.metrics) registerMetrics(app, deps.metrics);
  homeRoutes(app, deps.health.version);
  healthRoutes(app, deps.health);
  authRoutes(app, deps);
  marketRoutes(app, deps);
  portfolioRoutes(app, deps);
  analyticsRoutes(app, deps);
  newsRoutes(app, deps);
  predictionRoutes(app, deps);
  indicatorRoutes(app, deps);
  scannerRoutes(app, deps);
  screenRoutes(app, deps);
  adminRoutes(app, deps);
  return app;
}
