// Saving and finding forecast models. A model is a directory of four files:
//   manifest.json       what it reads, what it was trained on, its backtest (domain/forecast/manifest.ts)
//   normalisation.json  the feature and target scaling fitted on its training windows
//   model.json          the tfjs layers topology and weight specs
//   weights.bin         the weights, float32
// A model the user trained (<data dir>/models/forecast/) is served before the one shipped in the
// repository (models/forecast/).
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { Unavailable } from '../../domain/errors.ts';
import { manifestMismatch } from '../../domain/forecast/manifest.ts';
import type { ForecastManifest } from '../../domain/forecast/manifest.ts';
import type { Normaliser } from '../../domain/forecast/normalise.ts';
import { LstmForecaster } from './forecaster.ts';
import type { ModelSource } from '../../domain/forecast/prediction.ts';
import { tensorflow } from './tf.ts';

/** The model shipped in the repository. */
export const SHIPPED_MODEL_DIR = resolve(import.meta.dirname, '../../../models/forecast');

/** Where `stockmind train` saves by default, under the data directory. */
export function userModelDir(dataDir: string): string {
  return join(dataDir, 'models', 'forecast');
}

const FILES = { manifest: 'manifest.json', normaliser: 'normalisation.json', topology: 'model.json', weights: 'weights.bin' } as const;

/** A model directory refused or unreadable, with a message that says which and why (forecasts are unavailable until fixed). */
export class ForecastModelError extends Unavailable {
  constructor(message: string, options?: ErrorOptions) {
    super(message, null, options);
  }
}

/** Writes a model directory (files first under temporary names, so a crash leaves no half model). */
export async function saveForecastModel(dir: string, model: LstmForecaster): Promise<void> {
  const tf = await tensorflow();
  let artifacts: io.ModelArtifacts | null = null;
  await model.network.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const got = artifacts as io.ModelArtifacts | null;
  if (got === null || got.weightData === undefined) throw new Error('saveForecastModel: tfjs gave no weights');
  const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(got.weightData));
  const files: [string, string | Buffer][] = [
    [FILES.weights, weights],
    [FILES.topology, JSON.stringify({ modelTopology: got.modelTopology, weightSpecs: got.weightSpecs })],
    [FILES.normaliser, `${JSON.stringify(model.normaliser, null, 2)}\n`],
    [FILES.manifest, `${JSON.stringify(model.manifest, null, 2)}\n`],
  ];
  await mkdir(dir, { recursive: true });
  for (const [name, content] of files) await writeFile(join(dir, `${name}.tmp`), content);
  for (const [name] of files) await rename(join(dir, `${name}.tmp`), join(dir, name));
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new ForecastModelError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads a model directory; refuses (ForecastModelError) a model this code cannot serve. */
export async function loadForecastModel(dir: string, source: ModelSource = 'user'): Promise<LstmForecaster> {
  const manifest = await readJson<ForecastManifest>(join(dir, FILES.manifest));
  const mismatch = manifestMismatch(manifest, dir);
  if (mismatch !== null) throw new ForecastModelError(mismatch);
  const normaliser = await readJson<Normaliser>(join(dir, FILES.normaliser));
  if (normaliser.featureMean?.length !== manifest.features.length || normaliser.targetMean?.length !== manifest.horizons.length) {
    throw new ForecastModelError(`The forecast model at ${dir} cannot be used: ${FILES.normaliser} does not match its manifest.`);
  }
  const topology = await readJson<{ modelTopology: object; weightSpecs: io.WeightsManifestEntry[] }>(join(dir, FILES.topology));
  let weights: Buffer;
  try {
    weights = await readFile(join(dir, FILES.weights));
  } catch (error) {
    throw new ForecastModelError(`Cannot read ${join(dir, FILES.weights)}: ${(error as Error).message}`, { cause: error });
  }
  const tf = await tensorflow();
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  try {
    const network = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology.modelTopology, weightSpecs: topology.weightSpecs, weightData }));
    return new LstmForecaster(tf, network, normaliser, manifest, source);
  } catch (error) {
    throw new ForecastModelError(`The forecast model at ${dir} cannot be loaded: ${(error as Error).message}`, { cause: error });
  }
}

async function hasModel(dir: string): Promise<boolean> {
  return (await stat(join(dir, FILES.manifest)).catch(() => null))?.isFile() ?? false;
}

/**
 * The directory of the model to serve: the user's under the data directory when there is one,
 * else the shipped one. `memory://` data directories hold no models.
 */
export async function findForecastModel(dataDir: string | null, shippedDir = SHIPPED_MODEL_DIR): Promise<{ dir: string; source: ModelSource }> {
  if (dataDir !== null && !dataDir.startsWith('memory://')) {
    const dir = userModelDir(dataDir);
    if (await hasModel(dir)) return { dir, source: 'user' };
  }
  if (await hasModel(shippedDir)) return { dir: shippedDir, source: 'shipped' };
  throw new ForecastModelError(`No forecast model: neither ${dataDir === null ? '(no data directory)' : userModelDir(dataDir)} nor ${shippedDir} holds one. Train one with \`stockmind train\`.`);
}

/**
 * The model to serve, loaded. A user model that this version refuses is an error (so the user
 * learns their model is not used), not a silent fall back to the shipped one.
 */
export async function loadServedForecastModel(dataDir: string | null, shippedDir = SHIPPED_MODEL_DIR): Promise<LstmForecaster> {
  const { dir, source } = await findForecastModel(dataDir, shippedDir);
  return loadForecastModel(dir, source);
}
