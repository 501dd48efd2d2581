import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { instrumentStore } from '../../../bench/lib/store-probe.js';
import { batchPut } from '../../../functions/shared/db/client.js';
import { createTestContext } from '../../support/store.js';

describe('the benchmark store probe', () => {
  it('prices batch writes sent in typed form by the item they stand for, like document-client writes', async () => {
    const { db } = await createTestContext();
    const probe = instrumentStore(db);
    const item = (n: number) => ({ PK: 'LOG#2026-11-28', SK: `2026-11-28T00:00:00.000Z#req_${n}`, GSI2PK: 'LOGKEY#k', GSI2SK: `s${n}`, n });
    probe.begin();
    await batchPut(db, [item(1), item(2)]);
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { PK: 'SESSION#s', SK: 'S', v: 'x' } }));
    const report = await probe.end({ quietMs: 20 });
    expect(Object.keys(report.units.byItem).sort()).toEqual(['LOG', 'SESSION']);
    const log = report.units.byItem.LOG!;
    expect(log.writes).toBe(2);
    // Table and one index for each: the sizes are those of the plain items, not of their typed form.
    expect(log.units).toBe(4);
    const plainSize = 'PK'.length + 'LOG#2026-11-28'.length + 'SK'.length + item(1).SK.length + 'GSI2PK'.length + 'LOGKEY#k'.length + 'GSI2SK'.length + 2 + 'n'.length + 2;
    expect(log.bytes / log.writes).toBe(plainSize);
  });
});
