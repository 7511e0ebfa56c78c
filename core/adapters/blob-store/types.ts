import type { Readable } from 'node:stream';

/** Where uploaded files live. A directory by default; an S3-compatible store fits the same interface. */
export interface BlobStore {
  readonly name: string;
  /** Writes the stream; rejects (and leaves nothing behind) if the stream errors. Returns bytes written. */
  put(key: string, body: Readable | Buffer): Promise<number>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}
