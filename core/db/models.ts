import { Model, type Modifiers, type QueryBuilder } from 'objection';

/**
 * Objection models over the knex schema. Tenant-owned models carry a `forClient` modifier, and
 * the services reach tenant data only through it (or through a where on client_id), so a query
 * without the client cannot be written by accident. Bind with `Model.query(knex)`.
 */
abstract class TenantModel extends Model {
  client_id!: string;

  static override get modifiers(): Modifiers {
    return {
      forClient(query: QueryBuilder<TenantModel>, clientId: string) {
        if (!clientId) throw new Error('forClient needs a client id');
        query.where(`${query.modelClass().tableName}.client_id`, clientId);
      },
    };
  }
}

export class User extends Model {
  static override tableName = 'users';
  id!: string;
  email!: string;
  name!: string;
  password_hash!: string;
}

export class Client extends Model {
  static override tableName = 'clients';
  id!: string;
  owner_id!: string;
  name!: string;
  tier!: 'free' | 'paid';

  static override get modifiers(): Modifiers {
    return {
      ownedBy(query: QueryBuilder<Client>, ownerId: string) {
        if (!ownerId) throw new Error('ownedBy needs an owner id');
        query.where('clients.owner_id', ownerId);
      },
    };
  }
}

export class ApiKey extends TenantModel {
  static override tableName = 'api_keys';
}

export class Widget extends TenantModel {
  static override tableName = 'widgets';
  static override idColumn = 'client_id';
}

export class Document extends TenantModel {
  static override tableName = 'documents';
  id!: string;
}

export class Chunk extends TenantModel {
  static override tableName = 'chunks';
}

export class ChatSession extends TenantModel {
  static override tableName = 'chat_sessions';
}

export class ChatMessage extends TenantModel {
  static override tableName = 'chat_messages';
}

export class UsageDaily extends TenantModel {
  static override tableName = 'usage_daily';
  static override idColumn = ['client_id', 'date'];
}
