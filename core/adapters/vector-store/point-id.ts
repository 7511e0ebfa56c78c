import { v5, validate } from 'uuid';
import { AppError } from '../../errors';

/**
 * Fixed namespace for chunk point ids. Changing it would give every stored chunk a new id, so a
 * re-upsert after the change would duplicate points instead of overwriting them.
 */
export const POINT_ID_NAMESPACE = '6f1d3c2a-8b4e-4f7a-9c5d-2e8b7a1f0c93';

/** An RFC 9562 UUID string (the `uuid` package's `validate`). */
export function isUuid(value: string): boolean {
  return validate(value);
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
  return v5(name, requireUuid(namespace, 'namespace'));
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
    throw new AppError({
      code: 'invalid_input',
      status: 400,
      message: 'The chunk index must be a non-negative integer.',
    });
  }
  const name = [requireUuid(clientId, 'client id'), requireUuid(documentId, 'document id'), version, chunkIndex].join(
    ':',
  );
  return uuidV5(name, POINT_ID_NAMESPACE);
}
