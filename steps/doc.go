// Package steps defines the step types of a SageMaker pipeline and renders
// their arguments exactly as the SageMaker Python SDK 2.257.6 does, so that
// a pipeline built in Go compiles to the same definition bytes.
//
// # Steps and entities
//
// A [Step] is one object of a definition's "Steps" list: a name, a [Type],
// the "Arguments", the common optional keys (DependsOn, DisplayName,
// Description, RetryPolicies) and type-specific trailing keys (CacheConfig,
// PropertyFiles, FunctionArn, ...). Step is sealed: the steps of this
// package are its only implementations, and the pipeline compiler and the
// engines read them through an internal rendering protocol, so nothing of
// the rendering is part of this API. An [Entity] is what a pipeline lists: a
// step, or a step collection such as a [ModelStep], which expands to several
// steps. Depending on a collection means depending on all its steps; its
// properties are those of its last step.
//
// The constructors take the required values positionally and the optional
// ones in a struct whose zero value is the SDK's default:
//
//   - [Processing] runs a [Processor] (image, command, cluster) on a
//     [ProcessingJob] (inputs, outputs, code, container arguments);
//   - [Training] fits an [Estimator], generic or with a [Framework] in
//     script mode such as [XGBoost];
//   - [Tuning] runs a [Tuner] over an estimator and hyperparameter
//     [Range] values;
//   - [When] builds a condition step with [ConditionStep.Then] and
//     [ConditionStep.Else] branches; [Fail] stops an execution;
//   - [RegisterModel] and [CreateModel] make a [ModelStep] from a [Model],
//     [RegisterPipelineModel] from several; a model with [Model.Repack]
//     set is preceded by the training step that packs its code into the
//     model archive, as the SDK inserts for network-isolated models;
//   - [Transform] runs a batch transform job ([Transformer]);
//   - [Lambda] and [Callback] call out of the pipeline and declare
//     [OutputParameter] values.
//
// Builders never fail and never change their receiver: DependsOn,
// DisplayName, Description, Retry, Cache and PropertyFiles return a new
// step, so a half-built step is a reusable template. What is wrong is
// recorded and reported by [Step.Problems] (errors wrapping [ErrInvalid] or
// [ErrCode]), which pipeline validation collects together with the
// pipeline-level checks.
//
// # Properties
//
// Every step type has a typed property model mirroring the botocore
// Describe* shape of its job: ProcessingStep.Properties().Output("train").S3URI(),
// TrainingStep.Properties().ModelArtifacts().S3ModelArtifacts(),
// TuningStep.Properties().TrainingJobSummaries(0).TrainingJobName(),
// ModelStep.Properties().ModelPackageArn(), ConditionStep.Properties().Outcome(),
// [Output] for Lambda and Callback outputs. They return params values of
// the right Go type, so a Float property cannot go where a String is
// required. [Property] reaches any other path; [TuningStep.TopModelS3URI]
// is the SDK's get_top_model_s3_uri.
//
// # Property files and conditions
//
// A [PropertyFile] declared on a processing step names a JSON file among
// its outputs; [JsonGet] reads a value from it ([JsonGetS3] from a JSON file
// at an S3 URI). Conditions come in the ten shapes of the definition
// language: [Equals], [GreaterThan], [GreaterThanOrEqualTo], [LessThan],
// [LessThanOrEqualTo] (typed, both sides of the same Go type), [In], [Not]
// and [Or]; a condition step's list of conditions is their conjunction.
// The Go type is inferred from the operands, and mixing types does not
// compile:
//
//	steps.LessThanOrEqualTo(rmse, threshold)       // Value[float64], *Param[float64]
//	steps.In(mode, params.Lit("a"), params.Lit("b")) // strings
//	steps.Equals(count, params.Lit("1"))           // compile error: int vs string
//
// [InAny] is the SDK's ConditionIn over a list of mixed kinds (Go
// constants keep their JSON kind, 1 and 1.0 differ; parameters and other
// expressions are written as such). Negative zero is written -0.0 as the
// SDK writes it; in Go it is math.Copysign(0, -1), since the constant -0.0
// is plain zero. A NaN or infinity, which the SDK would write as the
// non-JSON tokens NaN and Infinity, is refused by Validate and Definition
// with the operand named ("In value 2", "Equals right value").
//
// # Pipeline variables
//
// Wherever the SDK 2.257.6 accepts a pipeline variable, the field here is
// a params.Input of the matching type (a literal is params.Lit(x)), a
// list of them, or an untyped value; TestSDKArgumentAudit lists every such
// SDK argument against its field, with the reason where a field is still a
// literal.
//
// # The compile environment
//
// Some argument values are computed by the SDK from its session and from the
// clock: the default bucket (and bucket prefix), the region, the role,
// timestamped job names, unique model package group names. [Env] carries
// them, with an injectable
// clock ([FrozenClock]) and name source ([FixedNames], [RandNames]) so that
// a definition can be reproduced byte for byte. [ImageURI] gives the
// scikit-learn and XGBoost framework images of a region.
//
// # Code and output locations
//
// A processing step's code is either an s3:// URI, used as is, or a local
// file. Where the SDK stages local code depends on how the SDK step was
// built; [Layout] chooses: [LayoutPipeline] (the step_args form, under the
// content hash that [HashCode] computes) or [LayoutJob] (the deprecated
// form, under a timestamped job name). Outputs without a destination go
// under the pipeline execution in both. A framework estimator's source
// directory is staged the same way for a training step
// ([TrainingStep.Layout]); a tuning step always stages it under its
// timestamped job. [Env.BucketPrefix] goes after the bucket in all of these.
package steps
