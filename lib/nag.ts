// cdk-nag acknowledgements: each accepted AwsSolutions finding, on the construct it concerns, with its reason.
import { DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';

/** Finding id for the managed policy every Lambda role gets (CloudWatch Logs writes only). */
export const LAMBDA_BASIC_EXECUTION_FINDING =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/** Acknowledges findings (rule id, or `RuleId[finding]`) on a construct and everything below it. */
export function acknowledge(scope: IConstruct, reasons: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag prints a value: the literal when the environment pins it, else `<AWS::Pseudo>`. */
function nagValue(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
}

/** The CDK-provided upload Lambda of a BucketDeployment: grants and runtime are aws-cdk-lib's, not ours. */
export function acknowledgeBucketDeploymentHandler(deployment: BucketDeployment, siteBucket: Bucket): void {
  const handler = deployment.handlerRole.node.scope;
  if (handler === undefined) return;
  const stack = Stack.of(deployment);
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const partition = Token.isUnresolved(stack.region) ? '<AWS::Partition>' : stack.partition;
  const assetObjects =
    `arn:${partition}:s3:::cdk-${qualifier}-assets-` +
    `${nagValue(stack.account, 'AccountId')}-${nagValue(stack.region, 'Region')}/*`;
  const bucketId = stack.getLogicalId(siteBucket.node.defaultChild as CfnBucket);
  acknowledge(handler, {
    [LAMBDA_BASIC_EXECUTION_FINDING]: 'CDK BucketDeployment handler: the managed policy only writes its CloudWatch logs.',
    'AwsSolutions-L1': 'CDK BucketDeployment handler: its Python runtime is pinned by aws-cdk-lib, not by this app.',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': 'CDK BucketDeployment handler reads the bootstrap asset bucket.',
    'AwsSolutions-IAM5[Action::s3:GetObject*]': 'CDK BucketDeployment handler reads the uploaded build asset.',
    'AwsSolutions-IAM5[Action::s3:List*]': 'CDK BucketDeployment handler lists both buckets to sync and prune.',
    'AwsSolutions-IAM5[Action::s3:Abort*]': 'CDK BucketDeployment handler aborts failed multipart uploads to the site bucket.',
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': 'CDK BucketDeployment handler prunes files removed from the build.',
    [`AwsSolutions-IAM5[Resource::${assetObjects}]`]: 'CDK BucketDeployment handler reads the build from the bootstrap asset bucket.',
    [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`]: 'CDK BucketDeployment handler writes the objects of the site bucket.',
    'AwsSolutions-IAM5[Resource::*]': 'CDK BucketDeployment grants its invalidation actions on *; the handler only invalidates this distribution.',
  });
}
