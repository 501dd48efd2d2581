// CloudWatch alarms on what breaks the gateway for users: proxy errors and throttles, table throttling, stale prices.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface GatewayAlarmsProps {
  readonly proxy: IFunction;
  readonly priceSync: IFunction;
  readonly table: ITable;
  readonly alarmEmail?: string;
  readonly alarmTopicArn?: string;
}

export class GatewayAlarms extends Construct {
  readonly alarms: readonly Alarm[];
  readonly topic?: ITopic;

  constructor(scope: Construct, id: string, props: GatewayAlarmsProps) {
    super(scope, id);
    this.topic = this.resolveTopic(props);
    const fiveMinutes = Duration.minutes(5);
    const tableThrottles = new MathExpression({
      label: 'Throttled table reads and writes',
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { statistic: 'Sum', period: fiveMinutes }),
        writes: props.table.metric('WriteThrottleEvents', { statistic: 'Sum', period: fiveMinutes }),
      },
      period: fiveMinutes,
    });
    this.alarms = [
      this.alarm('ProxyErrors', 'Proxy invocations failed (unhandled error or timeout)', props.proxy.metricErrors({ period: fiveMinutes })),
      this.alarm('ProxyThrottles', 'Proxy invocations throttled (concurrency limit reached)', props.proxy.metricThrottles({ period: fiveMinutes })),
      this.alarm('TableThrottles', 'DynamoDB throttled reads or writes on the gateway table', tableThrottles),
      // Hourly: the sync runs daily, and a failed run leaves costs priced from a stale table.
      this.alarm('PriceSyncErrors', 'Price sync failed', props.priceSync.metricErrors({ period: Duration.hours(1) })),
    ];
  }

  private resolveTopic(props: GatewayAlarmsProps): ITopic | undefined {
    if (props.alarmTopicArn !== undefined) return Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn);
    if (props.alarmEmail === undefined) return undefined;
    const topic = new Topic(this, 'Topic', { displayName: 'Code Hub alarms', enforceSSL: true });
    topic.addSubscription(new EmailSubscription(props.alarmEmail));
    acknowledge(topic, {
      'AwsSolutions-SNS2':
        'Alarm notifications carry no secrets; CloudWatch cannot publish to the AWS-managed SNS key, and a customer key has a monthly fee.',
    });
    return topic;
  }

  private alarm(id: string, description: string, metric: IMetric): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: `Code Hub: ${description}`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic !== undefined) {
      const action = new SnsAction(this.topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarm;
  }
}
