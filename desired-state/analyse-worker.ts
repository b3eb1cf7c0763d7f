/**
 * Worker thread body: analyses files (parse + single-document validation) sent by the pool in
 * analyse-pool.ts and sends back what they turned into.
 */
import { parentPort } from 'node:worker_threads';
import { analyseFile } from './analyse-file.js';
import { schemaRegistry } from './validate/schema-registry.js';

export interface AnalyseRequest {
  id: number;
  bytes: Uint8Array;
}

const registry = schemaRegistry();
parentPort!.on('message', (req: AnalyseRequest) => {
  parentPort!.postMessage({ id: req.id, entry: analyseFile(req.bytes, registry) });
});
