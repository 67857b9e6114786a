// compose.yaml is what `docker compose up` reads: CI checks it is valid with the docker client it
// has (Compose v2 plugin or the older docker-compose), and says plainly when it has none.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMPOSE = join(import.meta.dirname, '../../compose.yaml');

function composeClient(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return null;
}

const client = composeClient();

describe.skipIf(!client)(`compose.yaml${client ? '' : ' — skipped: no docker compose client on this machine'}`, () => {
  it('is valid, with PostgreSQL, Redis, two API instances, a worker, and Kafka behind a profile', () => {
    const [command, ...prefix] = client!;
    const run = (...args: string[]) => execFileSync(command!, [...prefix, '-f', COMPOSE, ...args], { env: { ...process.env, SECRET_KEY: 'x'.repeat(48) }, encoding: 'utf8' });
    run('config', '--quiet');
    expect(run('config', '--services').trim().split('\n')).toEqual(expect.arrayContaining(['api-1', 'api-2', 'postgres', 'redis', 'worker']));
    // Kafka only with its profile.
    const resolved = run('--profile', 'kafka', 'config');
    expect(resolved).toMatch(/kafka:[\s\S]*profiles:\s*\n\s*- kafka/);
  });

  it('refuses to start without SECRET_KEY', () => {
    const [command, ...prefix] = client!;
    const env = { ...process.env };
    delete env.SECRET_KEY;
    const result = spawnSync(command!, [...prefix, '-f', COMPOSE, 'config'], { env, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SECRET_KEY');
  });
});
