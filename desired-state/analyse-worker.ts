/**
 * Worker thread body: analyses files (parse + single-document validation) sent by the pool in
 * analyse-pool.ts and sends back what they turned into, already encoded for the cache.
 */
import { parentPort } from 'node:worker_threads';
import { analyseFile } from './analyse-file.js';
import { packBlob } from './cache/blob-codec.js';
import { schemaRegistry } from './validate/schema-registry.js';

export interface AnalyseRequest {
  id: number;
  bytes: Uint8Array;
}

export interface AnalyseReply {
  id: number;
  /** The BlobEntry, encoded by blob-codec.ts. */
  packed: Uint8Array;
}

const registry = schemaRegistry();
parentPort!.on('message', (req: AnalyseRequest) => {
  const packed = packBlob(analyseFile(req.bytes, registry));
  const reply: AnalyseReply = { id: req.id, packed };
  parentPort!.postMessage(reply, [packed.buffer as ArrayBuffer]);
});
