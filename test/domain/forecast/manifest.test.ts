import { describe, expect, it } from 'vitest';
import { CODE_SPEC, MANIFEST_FORMAT, manifestMismatch } from '../../../src/domain/forecast/manifest.ts';
import type { ForecastManifest } from '../../../src/domain/forecast/manifest.ts';

function manifest(overrides: Partial<ForecastManifest> = {}): ForecastManifest {
  const horizon = { models: {}, residualPercentiles: Array.from({ length: 99 }, (_, i) => i / 50 - 1) };
  return {
    format: MANIFEST_FORMAT,
    name: 'test',
    version: 'v',
    createdAt: '2020-01-01T00:00:00.000Z',
    tfjsVersion: '4.22.0',
    ...CODE_SPEC,
    network: { units: 4, seed: 1 },
    training: { symbols: ['A'], from: '2010-01-01', to: '2014-12-31', validationFrom: '2014-01-01', windows: 1, validationWindows: 1, stride: 1, epochs: 1, bestEpoch: 1, trainLoss: 1, validationLoss: 1, seconds: 1 },
    backtest: { from: '2015-01-01', to: '2015-12-31', symbols: ['A'], step: 1, horizons: Object.fromEntries(CODE_SPEC.horizons.map((h) => [String(h), horizon])) },
    ...overrides,
  };
}

describe('manifest check', () => {
  it('accepts a model that reads what this code computes', () => {
    expect(manifestMismatch(manifest(), '/models/x')).toBeNull();
  });

  it('refuses other features, naming both lists and the directory', () => {
    const message = manifestMismatch(manifest({ features: ['logReturn', 'rsi14'] }), '/models/x');
    expect(message).toContain('/models/x');
    expect(message).toContain('[logReturn, rsi14]');
    expect(message).toContain(CODE_SPEC.features.join(', '));
    expect(message).toContain('stockmind train');
  });

  it('refuses another window', () => {
    expect(manifestMismatch(manifest({ window: CODE_SPEC.window + 20 }), 'd')).toContain(`window is ${CODE_SPEC.window + 20} days`);
  });

  it('refuses a model without backtest residuals to build intervals from', () => {
    const bare = manifest();
    bare.backtest.horizons = {};
    expect(manifestMismatch(bare, 'd')).toContain('no backtest residuals');
  });
});
