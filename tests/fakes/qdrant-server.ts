import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Qdrant's REST API, driven through the real @qdrant/js-client-rest.
 *
 * It speaks the wire protocol (paths, query parameters, `{ result, status: "ok", time }` bodies,
 * `{ status: { error } }` failures with Qdrant's status codes) for the calls the vector-store
 * adapter makes, searches by brute-force cosine, and evaluates filters faithfully so that an
 * adapter call that forgets its tenant filter leaks data here exactly as it would in Qdrant.
 * Anything outside that subset is answered with 400 "not supported by the fake" rather than
 * silently ignored.
 */

export type FakeQdrantPointId = string | number;

export interface FakeQdrantPoint {
  id: FakeQdrantPointId;
  /** Stored as given; for Cosine collections also kept normalised, as Qdrant does on write. */
  vector: number[];
  payload: Record<string, unknown>;
  /** Sequence number of the last operation that wrote the point (Qdrant's point `version`). */
  version: number;
}

export interface FakeQdrantPayloadIndex {
  data_type: 'keyword' | 'integer' | 'float' | 'bool' | 'uuid' | 'text' | 'geo' | 'datetime';
  params: Record<string, unknown> | null;
}

export interface FakeQdrantCollection {
  name: string;
  vectors: { size: number; distance: 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan' };
  hnswConfig: Record<string, unknown>;
  points: Map<string, FakeQdrantPoint>;
  payloadIndexes: Map<string, FakeQdrantPayloadIndex>;
}

export interface FakeQdrantRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
}

export interface FakeQdrantState {
  collections: Map<string, FakeQdrantCollection>;
  /** Every request in arrival order, with the status it got. */
  requests: FakeQdrantRequest[];
  /** Next operation id; also stamped on written points as their version. */
  operationId: number;
}

export interface FakeQdrant {
  url: string;
  state: FakeQdrantState;
  close(): Promise<void>;
}

const SERVER_VERSION = '1.15.1';
const DEFAULT_HNSW_CONFIG = {
  m: 16,
  ef_construct: 100,
  full_scan_threshold: 10000,
  max_indexing_threads: 0,
  on_disk: false,
};

class QdrantHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const badInput = (description: string) => new QdrantHttpError(400, `Wrong input: ${description}`);
const notSupported = (what: string) =>
  new QdrantHttpError(400, `Bad request: ${what} is not supported by the fake Qdrant server`);
const collectionNotFound = (name: string) =>
  new QdrantHttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);

export async function startFakeQdrant({ apiKey }: { apiKey?: string } = {}): Promise<FakeQdrant> {
  const state: FakeQdrantState = { collections: new Map(), requests: [], operationId: 0 };

  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = process.hrtime.bigint();
    const url = new URL(request.url ?? '/', 'http://fake-qdrant');
    const record: FakeQdrantRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: undefined,
      status: 0,
    };
    state.requests.push(record);
    const elapsed = () => Number(process.hrtime.bigint() - startedAt) / 1e9;
    const send = (status: number, body: unknown) => {
      record.status = status;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      const raw = await readBody(request);
      if (raw.length > 0) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw new QdrantHttpError(400, 'Format error in JSON body: expected value');
        }
      }
      if (apiKey !== undefined && url.pathname !== '/' && !isAuthorized(request, apiKey)) {
        record.status = 403;
        response.writeHead(403, { 'content-type': 'text/plain' });
        response.end('Must provide an API key or an Authorization bearer token');
        return;
      }
      const outcome = route(record.method, url.pathname, url.searchParams, record.body);
      if (outcome.kind === 'raw') return send(200, outcome.body);
      if (outcome.kind === 'accepted') return send(202, { result: null, status: 'accepted', time: elapsed() });
      send(200, { result: outcome.result, status: 'ok', time: elapsed() });
    } catch (error) {
      if (error instanceof QdrantHttpError)
        return send(error.status, { status: { error: error.message }, time: elapsed() });
      send(500, { status: { error: `Service internal error: ${(error as Error).message}` }, time: elapsed() });
    }
  }

  type Outcome = { kind: 'raw'; body: unknown } | { kind: 'result'; result: unknown } | { kind: 'accepted' };

  function route(method: string, path: string, query: URLSearchParams, body: unknown): Outcome {
    if (method === 'GET' && path === '/') {
      return { kind: 'raw', body: { title: 'qdrant - vector search engine', version: SERVER_VERSION, commit: 'fake' } };
    }
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) throw new QdrantHttpError(404, `Not found: ${method} ${path}`);
    const name = decodeURIComponent(match[1]);
    const rest = match[2] ?? '';
    const key = `${method} ${rest}`;
    const result = (value: unknown): Outcome => ({ kind: 'result', result: value });
    const update = (apply: () => void): Outcome => {
      apply();
      const operation_id = state.operationId++;
      // With wait=false Qdrant answers 202 before applying; the client treats that as an error.
      return query.get('wait') === 'true' ? result({ operation_id, status: 'completed' }) : { kind: 'accepted' };
    };

    switch (key) {
      case 'GET /exists':
        return result({ exists: state.collections.has(name) });
      case 'GET ':
        return result(describeCollection(requireCollection(name)));
      case 'PUT ':
        return result(createCollection(name, objectBody(body)));
      case 'DELETE ':
        return result(state.collections.delete(name));
      case 'PUT /index': {
        const collection = requireCollection(name);
        return update(() => createPayloadIndex(collection, objectBody(body)));
      }
      case 'PUT /points': {
        const collection = requireCollection(name);
        const points = parseUpsert(collection, objectBody(body));
        return update(() => {
          for (const point of points)
            collection.points.set(pointKey(point.id), { ...point, version: state.operationId });
        });
      }
      case 'POST /points/query':
        return result(queryPoints(requireCollection(name), objectBody(body)));
      case 'POST /points/count': {
        const collection = requireCollection(name);
        const filter = objectBody(body).filter;
        return result({ count: selectPoints(collection, filter).length });
      }
      case 'POST /points/delete': {
        const collection = requireCollection(name);
        const selected = selectByIdsOrFilter(collection, objectBody(body));
        return update(() => {
          for (const point of selected) collection.points.delete(pointKey(point.id));
        });
      }
      case 'POST /points/payload': {
        const collection = requireCollection(name);
        const request = objectBody(body);
        if (request.key !== undefined && request.key !== null) throw notSupported('set_payload with `key`');
        const payload = request.payload;
        if (!isObject(payload)) throw badInput('payload must be an object');
        const selected = selectByIdsOrFilter(collection, request);
        return update(() => {
          for (const point of selected) {
            point.payload = { ...point.payload, ...structuredClone(payload) };
            point.version = state.operationId;
          }
        });
      }
      default:
        throw notSupported(`${method} /collections/{name}${rest}`);
    }
  }

  function requireCollection(name: string): FakeQdrantCollection {
    const collection = state.collections.get(name);
    if (!collection) throw collectionNotFound(name);
    return collection;
  }

  function createCollection(name: string, body: Record<string, unknown>): boolean {
    if (state.collections.has(name))
      throw new QdrantHttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
    const vectors = body.vectors;
    if (!isObject(vectors) || typeof vectors.size !== 'number')
      throw notSupported('a collection without one unnamed vector');
    if (!Number.isInteger(vectors.size) || vectors.size < 1) throw badInput('vector size must be a positive integer');
    if (!['Cosine', 'Dot', 'Euclid', 'Manhattan'].includes(String(vectors.distance))) {
      throw new QdrantHttpError(400, `Format error in JSON body: unknown variant \`${String(vectors.distance)}\``);
    }
    if (vectors.distance !== 'Cosine') throw notSupported(`${String(vectors.distance)} distance`);
    state.collections.set(name, {
      name,
      vectors: { size: vectors.size, distance: 'Cosine' },
      hnswConfig: { ...DEFAULT_HNSW_CONFIG, ...(isObject(body.hnsw_config) ? body.hnsw_config : {}) },
      points: new Map(),
      payloadIndexes: new Map(),
    });
    return true;
  }

  function describeCollection(collection: FakeQdrantCollection) {
    const payload_schema: Record<string, unknown> = {};
    for (const [field, index] of collection.payloadIndexes) {
      const points = [...collection.points.values()].filter((point) => point.payload[field] !== undefined).length;
      payload_schema[field] = { data_type: index.data_type, ...(index.params ? { params: index.params } : {}), points };
    }
    return {
      status: 'green',
      optimizer_status: 'ok',
      indexed_vectors_count: 0,
      points_count: collection.points.size,
      segments_count: 1,
      config: {
        params: {
          vectors: collection.vectors,
          shard_number: 1,
          replication_factor: 1,
          write_consistency_factor: 1,
          on_disk_payload: true,
        },
        hnsw_config: collection.hnswConfig,
        optimizer_config: {
          deleted_threshold: 0.2,
          vacuum_min_vector_number: 1000,
          default_segment_number: 0,
          max_segment_size: null,
          memmap_threshold: null,
          indexing_threshold: 10000,
          flush_interval_sec: 5,
          max_optimization_threads: null,
        },
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
        quantization_config: null,
      },
      payload_schema,
    };
  }

  function createPayloadIndex(collection: FakeQdrantCollection, body: Record<string, unknown>): void {
    const field = body.field_name;
    if (typeof field !== 'string' || field.length === 0) throw badInput('field_name is required');
    const schema = body.field_schema;
    const type = typeof schema === 'string' ? schema : isObject(schema) ? schema.type : undefined;
    const types = ['keyword', 'integer', 'float', 'bool', 'uuid', 'text', 'geo', 'datetime'] as const;
    if (typeof type !== 'string' || !(types as readonly string[]).includes(type)) {
      throw new QdrantHttpError(400, `Format error in JSON body: unknown field schema ${JSON.stringify(schema)}`);
    }
    if (isObject(schema) && schema.is_tenant === true && type !== 'keyword' && type !== 'uuid') {
      throw badInput('is_tenant is only available for keyword and uuid indexes');
    }
    collection.payloadIndexes.set(field, {
      data_type: type as FakeQdrantPayloadIndex['data_type'],
      params: isObject(schema) ? { ...schema } : null,
    });
  }

  function parseUpsert(
    collection: FakeQdrantCollection,
    body: Record<string, unknown>,
  ): Array<Omit<FakeQdrantPoint, 'version'>> {
    if (body.batch !== undefined) throw notSupported('the batch form of upsert');
    if (!Array.isArray(body.points)) throw badInput('points must be a list');
    return body.points.map((raw: unknown) => {
      if (!isObject(raw)) throw badInput('each point must be an object');
      const id = parsePointId(raw.id);
      const vector = raw.vector;
      if (!Array.isArray(vector) || !vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
        throw notSupported('a point without one dense unnamed vector');
      }
      requireDimension(collection, vector.length);
      const payload = raw.payload === undefined || raw.payload === null ? {} : raw.payload;
      if (!isObject(payload)) throw badInput('payload must be an object');
      return { id, vector: normalise(vector), payload: structuredClone(payload) };
    });
  }

  function queryPoints(collection: FakeQdrantCollection, body: Record<string, unknown>) {
    for (const unsupported of ['prefetch', 'using', 'lookup_from', 'score_threshold', 'shard_key', 'params']) {
      if (body[unsupported] !== undefined && body[unsupported] !== null)
        throw notSupported(`query with \`${unsupported}\``);
    }
    const vector = Array.isArray(body.query) ? body.query : isObject(body.query) ? body.query.nearest : undefined;
    if (!Array.isArray(vector) || !vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      throw notSupported('a query other than a dense vector');
    }
    requireDimension(collection, vector.length);
    const limit = body.limit ?? 10;
    const offset = body.offset ?? 0;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)
      throw badInput('limit must be a non-negative integer');
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
      throw badInput('offset must be a non-negative integer');
    const query = normalise(vector);
    const scored = selectPoints(collection, body.filter)
      .map((point) => ({ point, score: dot(query, point.vector) }))
      .sort((left, right) => right.score - left.score)
      .slice(offset, offset + limit);
    return {
      points: scored.map(({ point, score }) => ({
        id: point.id,
        version: point.version,
        score,
        ...(body.with_payload === true ? { payload: structuredClone(point.payload) } : {}),
        ...(body.with_vector === true ? { vector: [...point.vector] } : {}),
      })),
    };
  }

  function selectByIdsOrFilter(collection: FakeQdrantCollection, body: Record<string, unknown>): FakeQdrantPoint[] {
    if (Array.isArray(body.points)) {
      return body.points.map(parsePointId).flatMap((id) => collection.points.get(pointKey(id)) ?? []);
    }
    if (body.filter === undefined || body.filter === null) throw badInput('either points or filter is required');
    return selectPoints(collection, body.filter);
  }

  function selectPoints(collection: FakeQdrantCollection, filter: unknown): FakeQdrantPoint[] {
    const points = [...collection.points.values()];
    if (filter === undefined || filter === null) return points;
    return points.filter(compileFilter(filter));
  }

  function requireDimension(collection: FakeQdrantCollection, size: number): void {
    if (size !== collection.vectors.size) {
      throw badInput(`Vector dimension error: expected dim: ${collection.vectors.size}, got ${size}`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The client keeps connections alive; without this close() would wait for their timeout.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Qdrant's filter semantics for the clauses below: must = all, must_not = none, should = at least one. */
export function matchesFilter(point: FakeQdrantPoint, filter: unknown): boolean {
  return compileFilter(filter)(point);
}

type PointPredicate = (point: FakeQdrantPoint) => boolean;

/** Checks the whole filter up front, so an unsupported clause fails even when no point would reach it. */
export function compileFilter(filter: unknown): PointPredicate {
  if (!isObject(filter)) throw badInput('filter must be an object');
  for (const clause of Object.keys(filter)) {
    if (!['must', 'must_not', 'should'].includes(clause) && filter[clause] !== null)
      throw notSupported(`filter clause \`${clause}\``);
  }
  const must = conditionList(filter.must).map(compileCondition);
  const mustNot = conditionList(filter.must_not).map(compileCondition);
  const should = conditionList(filter.should).map(compileCondition);
  return (point) =>
    must.every((condition) => condition(point)) &&
    !mustNot.some((condition) => condition(point)) &&
    (should.length === 0 || should.some((condition) => condition(point)));
}

function conditionList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function compileCondition(condition: unknown): PointPredicate {
  if (!isObject(condition)) throw badInput('a condition must be an object');
  if ('must' in condition || 'must_not' in condition || 'should' in condition) return compileFilter(condition);
  if (typeof condition.key !== 'string') throw notSupported(`condition ${JSON.stringify(condition)}`);
  const key = condition.key;
  for (const field of Object.keys(condition)) {
    if (field !== 'key' && field !== 'match' && condition[field] !== null)
      throw notSupported(`condition on \`${field}\``);
  }
  if (key.includes('.') || key.includes('[')) throw notSupported('nested payload keys');
  const match = condition.match;
  if (!isObject(match)) throw notSupported('a field condition without match');
  // Qdrant matches array payloads element-wise; a missing or null field matches nothing.
  const valuesOf = (point: FakeQdrantPoint) => {
    const raw = point.payload[key];
    return (Array.isArray(raw) ? raw : [raw]).filter((value) => value !== undefined && value !== null);
  };
  if ('value' in match) {
    const expected = match.value;
    const valid =
      typeof expected === 'string' ||
      typeof expected === 'boolean' ||
      (typeof expected === 'number' && Number.isInteger(expected));
    if (!valid) throw badInput('match value must be a string, integer or boolean');
    return (point) => valuesOf(point).some((value) => value === expected);
  }
  if ('any' in match) {
    if (!Array.isArray(match.any)) throw badInput('match any must be a list');
    const options = match.any as unknown[];
    return (point) => valuesOf(point).some((value) => options.includes(value));
  }
  throw notSupported(`match ${JSON.stringify(match)}`);
}

function parsePointId(raw: unknown): FakeQdrantPointId {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string') {
    const hex = raw
      .replace(/[{}]/g, '')
      .replace(/-/g, '')
      .replace(/^urn:uuid:/i, '');
    if (/^[0-9a-f]{32}$/i.test(hex)) {
      const lower = hex.toLowerCase();
      // Qdrant stores UUIDs canonically and answers with the hyphenated lower-case form.
      return `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16, 20)}-${lower.slice(20)}`;
    }
  }
  throw new QdrantHttpError(
    400,
    `Format error in JSON body: value ${JSON.stringify(raw)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

function pointKey(id: FakeQdrantPointId): string {
  return typeof id === 'number' ? `n:${id}` : `u:${id}`;
}

function normalise(vector: number[]): number[] {
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return length === 0 ? [...vector] : vector.map((value) => value / length);
}

function dot(left: number[], right: number[]): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += left[index] * right[index];
  return sum;
}

function isAuthorized(request: IncomingMessage, apiKey: string): boolean {
  const header = request.headers['api-key'];
  if (header === apiKey) return true;
  return request.headers.authorization === `Bearer ${apiKey}`;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw badInput('request body must be a JSON object');
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
