import { describe, expect, it } from 'vitest';
import { describeLogEntry } from './temporal-log';

describe('describeLogEntry', () => {
  it('names the activity and keeps the reason after a long SQL statement', () => {
    const error = new Error(
      'insert into "chunk_vectors" ("a") values ($1) - bind message supplies 10 parameters, but prepared statement "" requires 540',
    );
    expect(describeLogEntry({ message: 'Activity failed', meta: { activityType: 'upsertChunks', error } })).toBe(
      'Activity failed | upsertChunks | bind message supplies 10 parameters, but prepared statement "" requires 540',
    );
  });
  it('falls back to the workflow type and to the bare message', () => {
    expect(
      describeLogEntry({ message: 'Workflow failed', meta: { workflowType: 'ingestDocument', error: 'empty' } }),
    ).toBe('Workflow failed | ingestDocument | empty');
    expect(describeLogEntry({ message: 'plain', meta: undefined })).toBe('plain');
  });
});
