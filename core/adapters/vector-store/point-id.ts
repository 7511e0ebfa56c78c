import { createHash } from 'node:crypto';
import { AppError } from '../../errors';

/**
 * Fixed namespace for chunk point ids. Changing it would give every stored chunk a new id, so a
 * re-upsert after the change would duplicate points instead of overwriting them.
 */
export const POINT_ID_NAMESPACE = '6f1d3c2a-8b4e-4f7a-9c5d-2e8b7a1f0c93';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Both stores key tenants and documents by UUID; rejecting anything else keeps them in step. */
export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) {
    throw new AppError({ code: 'invalid_id', status: 400, message: `The ${field} must be a UUID.` });
  }
  return value.toLowerCase();
}

/** RFC 4122 name-based UUID (version 5, SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(requireUuid(namespace, 'namespace').replace(/-/g, ''), 'hex');
  const digest = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of one chunk's vector. Deterministic, so a retried upsert overwrites instead of
 * duplicating; includes the client so two tenants can never address the same point.
 */
export function pointId({
  clientId,
  documentId,
  version,
  chunkIndex,
}: {
  clientId: string;
  documentId: string;
  version: number;
  chunkIndex: number;
}): string {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new AppError({ code: 'invalid_input', status: 400, message: 'The version must be a non-negative integer.' });
  }
  if (!Number.isSafeInteger(chunkIndex) || chunkIndex < 0) {
    throw new AppError({ code: 'invalid_input', status: 400, message: 'The chunk index must be a non-negative integer.' });
  }
  const name = [requireUuid(clientId, 'client id'), requireUuid(documentId, 'document id'), version, chunkIndex].join(':');
  return uuidV5(name, POINT_ID_NAMESPACE);
}
