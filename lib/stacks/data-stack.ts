// Data stack: the gateway's single table, kept apart so API redeploys never touch stored state.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';
import { HubTable } from '../constructs/hub-table.js';

export interface DataStackProps extends StackProps {
  readonly config: DeployConfig;
}

export class DataStack extends Stack {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.table = new HubTable(this, 'Store', { tableName: props.config.tableName }).table;
    new CfnOutput(this, 'TableName', { description: 'The gateway table', value: this.table.tableName });
  }
}
