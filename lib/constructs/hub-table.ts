// The single DynamoDB table, shaped by the shared table definition the local store also uses.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_DEFINITION, type TableDefinition } from '../../functions/shared/db/table.js';

export interface HubTableProps {
  /** Physical name; CloudFormation generates one when unset. */
  readonly tableName?: string;
  readonly definition?: TableDefinition;
}

/** Item-level actions only: no Scan, no table description, no streams (Query on the indexes covers every list). */
export const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export class HubTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: HubTableProps = {}) {
    super(scope, id);
    const def = props.definition ?? TABLE_DEFINITION;
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: { name: def.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: def.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      // Keys, limits and logs are the product's state: a stack delete must never take them along.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of def.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}

/** Grants item-level reads and writes on the table and its named indexes: no wildcard, nothing table-wide. */
export function grantItemAccess(
  table: ITable,
  grantee: IGrantable,
  definition: TableDefinition = TABLE_DEFINITION,
): Grant {
  const indexArns = definition.globalSecondaryIndexes.map((gsi) => `${table.tableArn}/index/${gsi.indexName}`);
  return Grant.addToPrincipal({ grantee, actions: [...ITEM_ACTIONS], resourceArns: [table.tableArn, ...indexArns] });
}
