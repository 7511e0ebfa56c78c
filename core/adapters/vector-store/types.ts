/** One chunk's vector with what retrieval needs to cite it. */
export interface VectorPoint {
  /** Deterministic UUID from (clientId, documentId, version, chunkIndex): retries never duplicate. */
  id: string;
  vector: number[];
  clientId: string;
  documentId: string;
  version: number;
  chunkIndex: number;
  text: string;
  page?: number | null;
  filename?: string;
}

export interface VectorHit {
  id: string;
  score: number;
  documentId: string;
  chunkIndex: number;
  text: string;
  page?: number | null;
  filename?: string;
}

/**
 * Tenant isolation lives here: every search, count and delete takes the clientId and filters on it.
 * Points are written inactive and flipped active per (document, version), so a re-ingest
 * never mixes versions and the old one answers until the new one is ready.
 */
export interface VectorStore {
  readonly name: 'pgvector' | 'qdrant';
  /** Creates collections/tables/indexes for this dimension; idempotent. */
  ensureReady(dimensions: number): Promise<void>;
  upsert(points: VectorPoint[]): Promise<void>;
  /** Makes `version` the only answering version of the document; removes other versions' points. */
  activateVersion(args: { clientId: string; documentId: string; version: number }): Promise<void>;
  search(args: { clientId: string; vector: number[]; limit: number }): Promise<VectorHit[]>;
  deleteDocument(args: { clientId: string; documentId: string }): Promise<void>;
  /** Points of the document's active version. */
  countDocument(args: { clientId: string; documentId: string }): Promise<number>;
  /** Removes inactive points of a version (abandoned re-ingest). */
  deleteVersion(args: { clientId: string; documentId: string; version: number }): Promise<void>;
  ping(): Promise<void>;
  close?(): Promise<void>;
}
