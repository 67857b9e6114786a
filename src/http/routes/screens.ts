// /api/market/screen: a custom screen over every active symbol; /api/market/screens: the caller's
// saved screens (owner-only: another user's screen is answered as missing), runnable by id or name.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { invalid, unauthenticated } from '../../domain/errors.ts';
import { SCREEN_FIELD_INFO } from '../../domain/screen/index.ts';
import { DEFAULT_SCREEN_LIMIT, MAX_SCREEN_LIMIT, type ScreenService } from '../../services/screens/service.ts';
import { Envelope, ListEnvelope, Nullable, ok, okList, responses } from '../envelope.ts';
import { PageQuery, pageOf, paginationOf } from '../pagination.ts';
import { callerOf } from '../plugins/auth.ts';

export interface ScreenRouteDeps {
  screens: ScreenService;
}

const NullableString = Nullable(Type.String());
const DateTime = Type.String({ format: 'date-time' });

/** Longer than the language allows (2,000 characters), so the parser's own message, with its position, answers. */
const Expression = Type.String({ maxLength: 16_384, description: `e.g. rsi < 30 and close > sma200. Fields: ${SCREEN_FIELD_INFO.map((f) => f.name).join(', ')}` });
const Sort = Type.String({ maxLength: 200, description: 'A field, "-" first for descending: -changePercent' });
const Limit = Type.Integer({ minimum: 1, maximum: MAX_SCREEN_LIMIT, description: `Most results (default ${DEFAULT_SCREEN_LIMIT})` });

const ScreenRow = Type.Object({
  symbol: Type.String(), name: Type.String(), sector: NullableString, currency: Type.String(),
  asOf: Type.String({ description: 'Session date of the newest daily bar' }),
  ...Object.fromEntries(SCREEN_FIELD_INFO.map((field) => [field.name, Type.Optional(Nullable(Type.Number({ description: field.description })))])),
});

const ScreenAnswerFields = {
  where: Type.String({ description: 'The screen as parsed' }),
  sort: NullableString,
  limit: Type.Integer(),
  totalScreened: Type.Integer({ description: 'Active symbols with prices' }),
  totalMatched: Type.Integer(),
  results: Type.Array(ScreenRow),
};
const ScreenAnswer = Type.Object(ScreenAnswerFields);

const SavedScreen = Type.Object({
  id: Type.String({ format: 'uuid' }), name: Type.String(), where: Type.String(), sort: NullableString,
  limit: Nullable(Type.Integer()), createdAt: DateTime, updatedAt: DateTime,
});
const SavedRun = Type.Object({ ...ScreenAnswerFields, screen: SavedScreen });
/** A screen given in the query, or a saved one run by name (then with `screen`). */
const QueryRun = Type.Object({ ...ScreenAnswerFields, screen: Type.Optional(SavedScreen) });

const ScreenBody = Type.Object({ where: Expression, sort: Type.Optional(Nullable(Sort)), limit: Type.Optional(Limit) }, { additionalProperties: false });
const SavedBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  where: Expression,
  sort: Type.Optional(Nullable(Sort)),
  limit: Type.Optional(Nullable(Limit)),
}, { additionalProperties: false });
const SavedPatch = Type.Partial(SavedBody, { additionalProperties: false });
const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

const security: Record<string, string[]>[] = [{ bearer: [] }, { apiKey: [] }];

export function screenRoutes(root: FastifyInstance, deps: ScreenRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { screens } = deps;
  const tags = ['screens'];

  app.get('/api/market/screen/', {
    schema: {
      tags, summary: 'Run a custom screen over every active stock (or one of your saved screens, by name)',
      querystring: Type.Object({
        where: Type.Optional(Expression),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Run your saved screen of this name instead (needs credentials)' })),
        sort: Type.Optional(Sort),
        limit: Type.Optional(Limit),
      }),
      response: responses(Envelope(QueryRun), [401, 404]),
    },
  }, async (request) => {
    const { where, name, sort, limit } = request.query;
    if (name !== undefined) {
      if (!request.caller) throw unauthenticated('Log in to run a saved screen by name.');
      return ok(await screens.runByName(request.caller.userId, name, limit));
    }
    if (where === undefined) throw invalid('Give a screen in `where` (or the name of a saved one in `name`).', { where: ['This field is required.'] });
    return ok(await screens.run({ where, sort, limit }));
  });

  app.post('/api/market/screen/', {
    schema: { tags, summary: 'Run a custom screen given in the body (for long screens)', body: ScreenBody, response: responses(Envelope(ScreenAnswer)) },
  }, async (request) => ok(await screens.run(request.body)));

  app.get('/api/market/screens/', {
    config: { auth: 'required' },
    schema: { tags, summary: 'Your saved screens, by name', security, querystring: PageQuery, response: responses(ListEnvelope(SavedScreen), [401]) },
  }, async (request) => {
    const all = await screens.list(callerOf(request).userId);
    const page = pageOf(request.query);
    return okList(all.slice(page.offset, page.offset + page.pageSize), paginationOf(request, page, all.length));
  });

  app.post('/api/market/screens/', {
    config: { auth: 'required' },
    schema: { tags, summary: 'Save a screen under a name', security, body: SavedBody, response: responses(Envelope(SavedScreen), [401, 409], 201) },
  }, async (request, reply) => reply.status(201).send(ok(await screens.create(callerOf(request).userId, request.body), 'Screen saved')));

  app.get('/api/market/screens/:id/', {
    config: { auth: 'required' },
    schema: { tags, summary: 'One of your saved screens', security, params: IdParam, response: responses(Envelope(SavedScreen), [401, 404]) },
  }, async (request) => ok(await screens.get(callerOf(request).userId, request.params.id)));

  app.patch('/api/market/screens/:id/', {
    config: { auth: 'required' },
    schema: { tags, summary: 'Change a saved screen', security, params: IdParam, body: SavedPatch, response: responses(Envelope(SavedScreen), [401, 404, 409]) },
  }, async (request) => ok(await screens.update(callerOf(request).userId, request.params.id, request.body), 'Screen updated'));

  app.delete('/api/market/screens/:id/', {
    config: { auth: 'required' },
    schema: { tags, summary: 'Delete a saved screen', security, params: IdParam, response: responses(Envelope(Type.Null()), [401, 404]) },
  }, async (request) => {
    await screens.delete(callerOf(request).userId, request.params.id);
    return ok(null, 'Screen deleted');
  });

  app.get('/api/market/screens/:id/run/', {
    config: { auth: 'required' },
    schema: {
      tags, summary: 'Run one of your saved screens', security, params: IdParam,
      querystring: Type.Object({ limit: Type.Optional(Limit) }),
      response: responses(Envelope(SavedRun), [401, 404]),
    },
  }, async (request) => ok(await screens.runSaved(callerOf(request).userId, request.params.id, request.query.limit)));
}
