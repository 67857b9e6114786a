// A real app on a real port, and a small client that speaks the envelope.
import { buildApp, type App, type AppOptions } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { testEnvironment, type TestEnvironment } from './scale.ts';

export interface Answer<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON and the like). */
  raw?: string | Buffer;
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  app: App;
  baseUrl: string;
  environment: TestEnvironment;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export async function listen(config: Config, options: AppOptions = {}): Promise<{ app: App; baseUrl: string }> {
  const app = await buildApp(config, options);
  const address = await app.http.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl: address };
}

export function client(baseUrl: string) {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    const response = await fetch(baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

export async function startServer(overrides: Record<string, string> = {}, options: AppOptions = {}): Promise<TestServer> {
  const environment = await testEnvironment(overrides);
  const { app, baseUrl } = await listen(environment.config, options);
  return {
    app, baseUrl, environment,
    call: client(baseUrl),
    async close() {
      await app.close();
      await environment.cleanup();
    },
  };
}

let counter = 0;
/** A fresh, valid registration body. */
export function newUser(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return { email: `trader${counter}.${Date.now()}@example.com`, password: 'violet-harbor-92-tensile', fullName: 'Ada Lovelace', ...overrides };
}

export async function register(call: TestServer['call'], overrides: Record<string, unknown> = {}) {
  const body = newUser(overrides);
  const answer = await call('POST', '/api/auth/register/', { body });
  if (answer.status !== 201) throw new Error(`register failed: ${answer.status} ${answer.text}`);
  return { ...answer.body.data, email: body.email, password: body.password } as {
    token: string; refresh: string; apiKey: string; email: string; password: string;
    user: { id: string; email: string; fullName: string };
  };
}
