import { describe, expect, it } from 'vitest';
import { isUuid, pointId, requireUuid, uuidV5 } from './point-id';

const base = {
  clientId: '11111111-1111-4111-8111-111111111111',
  documentId: '22222222-2222-4222-8222-222222222222',
  version: 3,
  chunkIndex: 7,
};

describe('uuidV5', () => {
  it('matches the RFC 4122 name-based UUIDs other implementations give', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') and uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.com/ü').
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidV5('https://example.com/ü', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe(
      'a17f7a1d-6bb5-51a9-9d32-f9d2fdeec8b6',
    );
  });
});

describe('pointId', () => {
  it('gives the same id for the same chunk every time', () => {
    // Python: uuid.uuid5(UUID(POINT_ID_NAMESPACE), '<client>:<document>:3:7').
    expect(pointId(base)).toBe('665f6adc-9f92-5a03-8619-e378e8ccd574');
    expect(pointId({ ...base })).toBe(pointId(base));
  });

  it('gives a different id when any part differs, including the client', () => {
    const ids = new Set([
      pointId(base),
      pointId({ ...base, clientId: '33333333-3333-4333-8333-333333333333' }),
      pointId({ ...base, documentId: '33333333-3333-4333-8333-333333333333' }),
      pointId({ ...base, version: 4 }),
      pointId({ ...base, chunkIndex: 8 }),
      // "3:17" and "31:7" must not collide.
      pointId({ ...base, version: 31, chunkIndex: 7 }),
      pointId({ ...base, version: 3, chunkIndex: 17 }),
    ]);
    expect(ids.size).toBe(7);
  });

  it('is a version-5 RFC 4122 UUID that Qdrant accepts as a point id', () => {
    const id = pointId(base);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('ignores the letter case of the ids it is given', () => {
    expect(pointId({ ...base, clientId: base.clientId.toUpperCase() })).toBe(pointId(base));
  });

  it('rejects ids that are not UUIDs and versions or indexes that are not whole numbers', () => {
    expect(() => pointId({ ...base, clientId: 'client-1' })).toThrow(/client id must be a UUID/);
    expect(() => pointId({ ...base, version: -1 })).toThrow(/version/);
    expect(() => pointId({ ...base, chunkIndex: 1.5 })).toThrow(/chunk index/);
  });
});

describe('requireUuid', () => {
  it('returns the lower-case form and throws an AppError with code invalid_id otherwise', () => {
    expect(requireUuid('AAAAAAAA-1111-4111-8111-111111111111', 'client id')).toBe(
      'aaaaaaaa-1111-4111-8111-111111111111',
    );
    expect(() => requireUuid('nope', 'document id')).toThrow(
      expect.objectContaining({ code: 'invalid_id', status: 400 }),
    );
    expect(isUuid('11111111-1111-4111-8111-11111111111')).toBe(false);
  });
});
