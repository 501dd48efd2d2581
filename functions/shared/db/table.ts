// The single table's shape: the one source of truth for the CDK construct and the local store bootstrap.

export const TTL_ATTRIBUTE = 'expiresAt';

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly ttlAttribute: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
}

export const TABLE_DEFINITION: TableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: TTL_ATTRIBUTE,
  globalSecondaryIndexes: [
    // Lists (users, providers, prices, a user's keys, active sessions) and logs by user.
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // Logs by key.
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    // Logs by provider.
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ],
};

/** Every key attribute of the table and its indexes (all strings). */
export function keyAttributeNames(def: TableDefinition = TABLE_DEFINITION): string[] {
  const names = new Set<string>([def.partitionKey, def.sortKey]);
  for (const gsi of def.globalSecondaryIndexes) {
    names.add(gsi.partitionKey);
    names.add(gsi.sortKey);
  }
  return [...names];
}
