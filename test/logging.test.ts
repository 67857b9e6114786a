import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.ts';

describe('logs', () => {
  it('never carry a failed query\'s parameters (password hashes, emails)', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const failure = Object.assign(new Error('Failed query: insert into "users" ("email", "password_hash") values ($1, $2)\nparams: ada@example.com,$argon2id$v=19$m=19456$c2FsdA$aGFzaA'), {
      params: ['ada@example.com', '$argon2id$v=19$m=19456$c2FsdA$aGFzaA'],
    });
    log.error({ err: failure }, 'request failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Failed query: insert into');
    expect(lines[0]).not.toContain('argon2id');
    expect(lines[0]).not.toContain('ada@example.com');
  });

  it('take a plain message under err as it is', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    log.warn({ err: 'fetch failed' }, 'yahoo quotes failed');
    expect(JSON.parse(lines[0]!)).toMatchObject({ err: 'fetch failed', msg: 'yahoo quotes failed' });
  });

  it('leave the caller\'s error object as it was', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const failure = { code: '22021', params: ['secret-value'] };
    log.error({ err: failure }, 'request failed');
    expect(failure).toEqual({ code: '22021', params: ['secret-value'] });
    expect(lines[0]).not.toContain('secret-value');
  });

  it('never carry the Authorization or X-API-Key headers', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    log.info({ req: { headers: { authorization: 'Bearer secret.jwt.here', 'x-api-key': 'sm_secretkey' } } }, 'incoming request');
    expect(lines[0]).not.toContain('secret.jwt.here');
    expect(lines[0]).not.toContain('sm_secretkey');
  });

  it('never carry a token or API key from a request\'s URL (WebSockets authenticate with ?token=)', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const app = Fastify({ loggerInstance: log as FastifyBaseLogger });
    app.get('/ws/market/', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/ws/market/?alias=price_update&token=eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl&apiKey=sm_0123456789abcdefghij0123' });
    await app.close();
    const incoming = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'incoming request');
    expect(incoming.req).toMatchObject({ method: 'GET', url: '/ws/market/?alias=price_update&token=[redacted]&apiKey=[redacted]' });
    expect(lines.join('')).not.toMatch(/eyJzdWIiOi|sm_0123456789/);
  });
});

describe('logs for a person at a terminal', () => {
  it('are readable lines rather than JSON', () => {
    let text = '';
    const destination = new Writable({ write(chunk, _encoding, done) { text += String(chunk); done(); } });
    const log = createLogger({ level: 'info', pretty: true, destination });
    log.info({ port: 8000 }, 'API on http://localhost:8000');
    expect(text).toContain('INFO');
    expect(text).toContain('API on http://localhost:8000');
    expect(() => JSON.parse(text)).toThrow();
  });
});
