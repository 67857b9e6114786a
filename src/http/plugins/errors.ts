// Every answer that is not a success is the error envelope: thrown errors, validation
// failures, unknown paths (404) and known paths with the wrong method (405).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import type { ErrorReporter } from '../../logging.ts';
import { errorBody } from '../envelope.ts';
import { toEnvelope } from '../errors.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * `reports` hears of every 500 (a bug), with the request id and route pattern; a 503 is an outage
 * we expected, not a report. Returns the answer to an OPTIONS request that is not a preflight.
 */
export function registerErrorHandling(app: FastifyInstance, reports: ErrorReporter): (request: FastifyRequest, reply: FastifyReply) => void {
  // A second router knows every path with its methods, to tell 405 from 404.
  const known = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
  app.addHook('onRoute', (route) => {
    if (route.url === '*' || route.url.endsWith('/*')) return;
    for (const method of [route.method].flat()) {
      if (method === 'OPTIONS') continue;
      try {
        known.on(method as 'GET', route.url, () => {});
      } catch {
        // Already known (Fastify adds HEAD for GET routes).
      }
    }
  });

  const allowedOn = (path: string) => METHODS.filter((method) => known.find(method, path) !== null);

  // OPTIONS that is not a CORS preflight asks which methods a path has: Allow for a known path,
  // the 404 envelope for an unknown one. The server's front hook calls this (one hook for every
  // request, not one more); preflights are answered before it, by the CORS step.
  const answerOptions = (request: FastifyRequest, reply: FastifyReply): void => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = allowedOn(path);
    if (allowed.length === 0) return void reply.status(404).send(errorBody(404, `Not found: OPTIONS ${path}`));
    void reply.status(204).header('allow', [...allowed, 'OPTIONS'].join(', ')).send();
  };

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = allowedOn(path);
    if (allowed.length > 0) {
      return reply.status(405).header('Allow', [...allowed, 'OPTIONS'].join(', '))
        .send(errorBody(405, `Method "${request.method}" not allowed.`));
    }
    return reply.status(404).send(errorBody(404, `Not found: ${request.method} ${path}`));
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body, headers, unexpected } = toEnvelope(error as Error);
    // 503 is an outage we expected (a dependency down): one line, no stack; 500 is a bug.
    if (status === 503) request.log.warn({ status, reason: body.message, cause: (error as Error).message }, 'request answered 503');
    else if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      reports.capture(error, { area: 'http', requestId: request.id, route: request.routeOptions.url ?? 'unmatched', method: request.method, status });
    }
    else if (unexpected) request.log.warn({ err: error, status }, 'request rejected by the database');
    else request.log.info({ status, message: body.message }, 'request rejected');
    return reply.status(status).headers(headers).send(body);
  });
  return answerOptions;
}
