// The proxy's public endpoint: a streaming Function URL, optionally behind a custom domain that locks the raw URL.
import { Fn } from 'aws-cdk-lib';
import type { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { CustomDomainConfig } from '../config.js';
import { ProxyDomain } from './proxy-domain.js';

export interface StreamingProxyUrlProps {
  readonly function: LambdaFunction;
  readonly customDomain?: CustomDomainConfig;
  readonly priceClass: PriceClass;
}

export class StreamingProxyUrl extends Construct {
  readonly functionUrl: FunctionUrl;
  /** The Function URL without its trailing slash (clients append `/v1/...`). */
  readonly functionBaseUrl: string;
  readonly domain?: ProxyDomain;
  /** Base URL clients use: the custom domain when configured, else the Function URL. */
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: StreamingProxyUrlProps) {
    super(scope, id);
    this.functionUrl = props.function.addFunctionUrl({
      // Client keys are checked by the gateway itself; IAM auth would shut out Claude Code and the SDKs.
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
    this.functionBaseUrl = withoutTrailingSlash(this.functionUrl.url);
    this.publicUrl = this.functionBaseUrl;

    if (props.customDomain !== undefined) {
      this.domain = new ProxyDomain(this, 'Domain', {
        functionUrl: this.functionUrl,
        domain: props.customDomain,
        priceClass: props.priceClass,
      });
      props.function.addEnvironment('ORIGIN_VERIFY_SECRET', this.domain.originVerifyValue);
      this.publicUrl = this.domain.url;
    }
  }
}

/** `https://<id>.lambda-url.<region>.on.aws/` → `https://<id>.lambda-url.<region>.on.aws`, on a deploy-time token. */
export function withoutTrailingSlash(functionUrl: string): string {
  return `https://${Fn.select(2, Fn.split('/', functionUrl))}`;
}
