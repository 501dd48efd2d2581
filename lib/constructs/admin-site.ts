// The dashboard: Astro build in a private bucket behind CloudFront (OAC), `/api/*` routed to the admin Function URL.
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginRequestPolicy,
  type PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeBucketDeploymentHandler } from '../nag.js';
import { SecurityHeaders } from './security-headers.js';

/** Runtime settings the static dashboard fetches from `/config.json`. */
export interface DashboardRuntimeConfig {
  readonly proxyUrl: string;
}

export interface AdminSiteProps {
  /** Directory with the built dashboard (`frontend/dist`, or a placeholder). */
  readonly assetDirectory: string;
  readonly inlineScriptHashes: readonly string[];
  readonly adminUrl: IFunctionUrl;
  readonly runtimeConfig: DashboardRuntimeConfig;
  readonly priceClass: PriceClass;
}

// Astro writes each page as `/<page>/index.html`; S3 has no directory indexes, so map `/x/` and `/x` to it.
export const DIRECTORY_INDEX_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    request.uri = uri + '/index.html';
  }
  return request;
}`;

export class AdminSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: AdminSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only build output lives here; every deploy re-uploads it.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const headers = new SecurityHeaders(this, 'SecurityHeaders', { inlineScriptHashes: props.inlineScriptHashes });
    const directoryIndex = new CloudFrontFunction(this, 'DirectoryIndex', {
      comment: 'Serves /<page>/index.html for directory URIs',
      code: FunctionCode.fromInline(DIRECTORY_INDEX_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    // No distribution-wide error pages: they would also replace the admin API's own 403/404 JSON.
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Code Hub dashboard',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers.policy,
        functionAssociations: [{ function: directoryIndex, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Same origin as the pages: the session cookie works and no CORS is needed.
        '/api/*': {
          origin: new FunctionUrlOrigin(props.adminUrl),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // With caching off this forwards cookies, query strings, Authorization and the other headers.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers.policy,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    const deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [Source.asset(props.assetDirectory), Source.jsonData('config.json', props.runtimeConfig)],
      // Browsers revalidate every time; the edge keeps a day and is invalidated by each deploy.
      cacheControl: [CacheControl.fromString('public, max-age=0, s-maxage=86400, must-revalidate')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });

    acknowledgeBucketDeploymentHandler(deployment, this.bucket);
    acknowledge(this.bucket, {
      'AwsSolutions-S1': 'Holds only the build output of the dashboard, read solely by CloudFront through OAC.',
    });
    acknowledge(this.distribution, {
      'AwsSolutions-CFR1': 'Admin access is decided by the admin token, not by geography.',
      'AwsSolutions-CFR2': 'WAF costs a fixed monthly fee; the admin API authenticates and rate-limits logins itself.',
      'AwsSolutions-CFR3': 'Static pages and an authenticated admin API; access logs would need another bucket and add cost.',
      'AwsSolutions-CFR4': 'The default *.cloudfront.net certificate fixes the viewer TLS policy; only a custom domain can raise it.',
    });
  }
}
