// Package sagemaker is the AWS engine: it sends a pipeline value to
// SageMaker Pipelines and drives its executions, through aws-sdk-go-v2.
//
// Upsert stages the local code the steps name (content-hash keys
// code/<sha256>/<file> and sourcedir.tar.gz, packed as the SageMaker
// Python SDK packs them, uploaded only when missing) and creates the
// pipeline, or updates it when it exists, with exactly the bytes of
// pipeline.Definition; a definition of 100 KiB or more goes through S3.
// Start checks parameter values against the pipeline's declarations
// before any call. Execution.Wait polls with backoff and reports each
// change as a pipeline.Event, and Describe returns a pipeline.Execution:
// the same types the local engine reports, so one progress view and one
// report serve both engines. Lists (executions, pipelines, steps) are
// iter.Seq2 sequences that fetch pages as they are read.
//
// Failed calls come as *Error (operation, pipeline, cause); the cause is
// the SDK's error, whose service message (a ValidationException's
// included) is kept whole. Throttled calls are retried by the
// configuration's retryer. Every call and wait honours its context.
//
// # Pointing it at a real account
//
// The client takes its credentials and region from the standard AWS
// configuration chain: environment variables (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION), the shared
// files (~/.aws/config and ~/.aws/credentials, selected with AWS_PROFILE,
// SSO profiles included), or the instance or task role when it runs on
// AWS. Build it with NewDefault(ctx), or with New(cfg) from your own
// config.LoadDefaultConfig(ctx, ...). The caller needs the SageMaker
// pipeline permissions (sagemaker:CreatePipeline, UpdatePipeline,
// DescribePipeline, StartPipelineExecution, DescribePipelineExecution,
// ListPipelineExecutionSteps, ...), s3:PutObject and s3:GetObject on the
// pipeline's bucket (steps.Env.Bucket, by convention
// sagemaker-<region>-<account>, which must exist), and iam:PassRole on the
// execution role given to Upsert, which SageMaker assumes to run the jobs
// (it needs the AmazonSageMakerFullAccess policy or equivalent, and access
// to the bucket). Compile the pipeline with an Env naming that bucket,
// region and role, then Upsert, Start and Wait as the package example
// shows. WithEndpoint is only for test servers and VPC endpoints; leave it
// unset to reach the region's public endpoints.
package sagemaker
