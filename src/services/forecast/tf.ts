// TensorFlow.js on its WebAssembly backend: no native build, the same numbers on every machine.
// The .wasm binaries are read from the installed package, found through Node's resolver.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<typeof tf> | null = null;

/** tfjs with the wasm backend selected (initialised once per process). */
export function tensorflow(): Promise<typeof tf> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dist}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })().catch((error: unknown) => {
    ready = null; // a later call may try again
    throw error;
  });
  return ready;
}

export type Tf = typeof tf;
