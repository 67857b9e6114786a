// The forecast model this process serves, loaded on first use and reloaded when it changes on
// disk: a user who runs `stockmind train` beside a running server gets their model on the next
// forecast. TensorFlow.js takes seconds to import, so a process that never forecasts never loads it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LstmForecaster } from '../forecast/index.ts';
import { EVALUATION_FILE, readEvaluation, trackRecords, type TrackRecords } from './track-record.ts';

export interface LoadedModel {
  forecaster: LstmForecaster;
  records: TrackRecords;
  dir: string;
}

const mtime = async (path: string) => (await stat(path).catch(() => null))?.mtimeMs ?? 0;

export class ServedModel {
  private loaded: { key: string; model: LoadedModel } | null = null;
  private loading: Promise<LoadedModel> | null = null;

  /** `dataDir`: where the user's model lives (<dataDir>/models/forecast); null for none. `shippedDir`: the repository's model by default. */
  constructor(private readonly dataDir: string | null, private readonly shippedDir?: string) {}

  /** The model to serve now (a ForecastModelError, 503, when none can be loaded). */
  async get(): Promise<LoadedModel> {
    const { findForecastModel, loadForecastModel } = await import('../forecast/store.ts');
    const { dir, source } = await findForecastModel(this.dataDir, this.shippedDir);
    const key = `${dir}\u0000${await mtime(join(dir, 'manifest.json'))}\u0000${await mtime(join(dir, EVALUATION_FILE))}`;
    if (this.loaded?.key === key) return this.loaded.model;
    // Concurrent callers share one load.
    this.loading ??= (async () => {
      try {
        const forecaster = await loadForecastModel(dir, source);
        const records = trackRecords(forecaster.manifest, await readEvaluation(dir, forecaster.manifest));
        const model = { forecaster, records, dir };
        const previous = this.loaded;
        this.loaded = { key, model };
        // Forward passes are synchronous, so none is using the old network now.
        if (previous !== null && previous.model.forecaster !== forecaster) previous.model.forecaster.dispose();
        return model;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  dispose(): void {
    this.loaded?.model.forecaster.dispose();
    this.loaded = null;
  }
}
