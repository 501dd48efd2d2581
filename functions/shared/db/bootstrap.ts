// Creates the single table from TABLE_DEFINITION when it does not exist (local store, DynamoDB Local).
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Db } from './client.js';
import { keyAttributeNames, TABLE_DEFINITION, type TableDefinition } from './table.js';

export async function ensureTable(db: Db, def: TableDefinition = TABLE_DEFINITION): Promise<'created' | 'exists'> {
  const client = db.client;
  try {
    await client.send(new DescribeTableCommand({ TableName: db.tableName }));
    return 'exists';
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: db.tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyAttributeNames(def).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        { AttributeName: def.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await waitForActive(client, db.tableName);
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: db.tableName,
        TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
      }),
    );
  } catch {
    // The embedded store has no TTL API; its sweeper (functions/local/ttl-sweeper.ts) does the job.
  }
  return 'created';
}

async function waitForActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
