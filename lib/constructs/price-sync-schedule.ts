// Runs the price-sync function on an EventBridge schedule, and once after any deploy that changes the function.
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunctionResource } from 'aws-cdk-lib/aws-lambda';
import { InvocationType, Trigger } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { acknowledge, LAMBDA_BASIC_EXECUTION_FINDING } from '../nag.js';

export interface PriceSyncScheduleProps {
  readonly function: LambdaFunctionResource;
  /** EventBridge expression, e.g. `rate(1 day)`. */
  readonly expression: string;
}

export class PriceSyncSchedule extends Construct {
  readonly rule: Rule;
  readonly trigger: Trigger;

  constructor(scope: Construct, id: string, props: PriceSyncScheduleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: 'Syncs the Code Hub price table from LiteLLM',
      schedule: Schedule.expression(props.expression),
    });
    this.rule.addTarget(new LambdaFunction(props.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }));

    // A fresh deploy has an empty price table until the first scheduled run; the trigger fills it
    // right away. It is asynchronous so an unreachable price source never fails a deploy.
    this.trigger = new Trigger(this, 'AfterDeploy', {
      handler: props.function,
      invocationType: InvocationType.EVENT,
      executeOnHandlerChange: true,
    });
    acknowledge(props.function, {
      'Annotation::@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias':
        'The schedule invokes the unqualified function; the version exists only so the trigger reruns when the code changes.',
    });
    acknowledge(this.trigger, {
      [LAMBDA_BASIC_EXECUTION_FINDING]: 'CDK trigger provider: AWSLambdaBasicExecutionRole only writes its own CloudWatch logs.',
    });
  }
}
