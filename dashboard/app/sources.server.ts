import type { Container } from '../../core/container';
import type { SourceDeps } from '../../core/services/sources';

/** What the sources service needs, from the one container (as the API route builds it). */
export function sourceDeps(container: Container): SourceDeps {
  return {
    knex: container.db.knex,
    blobStore: container.blobStore,
    vectorStore: container.vectorStore,
    cache: container.cache,
    network: container.network,
    workflows: container.workflows,
    crawls: container.crawls,
    logger: container.logger,
  };
}
