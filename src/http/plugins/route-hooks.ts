// Hooks added to one route as it is added (in an onRoute hook), for work that depends only on the
// route: composed once, instead of a global hook reading the route's options on every request.
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

type OnRequest = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void;

/** Runs `hook` before the route's own onRequest hooks (Fastify takes one hook or a list). */
export function runFirstOnRequest(route: RouteOptions, hook: OnRequest): void {
  route.onRequest = [hook, ...[route.onRequest ?? []].flat()];
}
