// Package local runs SageMaker pipelines on this machine, as SageMaker
// would run them: concurrently, with SageMaker's properties, conditions,
// retry policies and step cache, an artifact store standing in for S3,
// execution records on disk, and Go functions doing each step's work.
//
// # Running a pipeline
//
// An Engine runs the pipeline's compiled definition: Run validates the
// pipeline, compiles it with Definition and interprets that JSON, so a
// pipeline built in Go and one read with pipeline.Parse from a definition
// the SageMaker Python SDK wrote run the same way. Every Get, Std:Join,
// Std:JsonGet, execution variable and parameter is resolved when its step
// starts.
//
//	engine := local.New(local.Config{Root: ".sagepipe"})
//	engine.Processing("preprocess.py", preprocess)
//	ex, err := engine.Run(ctx, p, local.RunOptions{
//		Parameters: map[string]any{"TrainSize": "0.7"},
//	})
//
// Before anything starts, Run checks the parameter overrides against the
// declarations (the Go type of each value, enum values, parameters with no
// default and no value) and that every step has an implementation; each
// problem is a *pipeline.ParameterError or *pipeline.StepError wrapping
// ErrParameter or ErrUnbound, all returned together.
//
// # Step functions
//
// A step's work is a Go function bound by step name or by the code the
// step runs, so that one binding serves every step running a script:
//
//   - Processing binds a ProcessingFunc by step name, code S3 URI or code
//     file name. It gets a ProcessingJob: its inputs as local directories
//     (by input name, with their container paths), empty output
//     directories, the container arguments and entrypoint, environment,
//     instance type and count;
//   - Lambda and Callback bind a CallFunc by step name, FunctionArn or
//     SqsQueueUrl; it gets the resolved inputs and returns the output
//     parameters, checked against the declared names and types;
//   - Training binds a TrainingFunc, for training steps and the training
//     jobs of tuning steps, by step name, entry point (the
//     sagemaker_program hyperparameter), source URI or training image. It
//     gets a TrainingJob, what a training container gets: its channels as
//     local directories, the hyperparameters as strings (with typed
//     accessors), an empty model directory and output-data directory,
//     the instance type, count and host names, and Stdout.
//
// Every function also gets, in its Job, a *slog.Logger whose lines become
// the step's log, LogMetric, the attempt number and the engine's
// actor.System. Condition, Fail, Model (CreateModel), RegisterModel and
// Transform steps are run by the engine; a step with no binding is
// reported by Run before the start, with every unbound step, unless it has
// a canned result.
//
// # Training and tuning
//
// When a training function returns, the engine packs its model directory
// into <S3OutputPath>/<job name>/output/model.tar.gz (and the output-data
// directory into output.tar.gz beside it), and the step's properties are
// DescribeTrainingJob's: TrainingJobName, TrainingJobStatus,
// ModelArtifacts.S3ModelArtifacts, HyperParameters, FinalMetricDataList
// (the latest value of each metric) and the resolved request.
//
// Metrics are found as SageMaker finds them: the job's MetricDefinitions
// regexes run over every line of its log (what it logs and writes to
// Stdout, control characters shown as the log stream shows them, a TAB as
// #011), and for SageMaker's XGBoost image its predefined validation:<m>
// metrics too, so a function passing Stdout as boost's TrainOptions.Log
// reports validation:rmse with no further code. LogMetric reports a value
// directly.
//
// A tuning step runs internal/hpo's strategy (Grid, Random, Bayesian,
// Hyperband) over the step's ranges: up to MaxParallelTrainingJobs
// training jobs at once, each a task on the actor System (holding no CPU
// itself, as a Ray Tune trial driving xgboost-ray: the actors and tasks
// the function starts on job.System hold the resources) running the bound
// training function with the static and suggested hyperparameters (plus
// _tuning_objective_metric), named <tuning job>-<NNN>-<8 hex digits>. The
// objective is the latest value of its metric; with early stopping Auto
// or Hyperband, every value is an intermediate result, and a job the
// tuner stops sees its context cancelled with ErrStoppedEarly and ends
// Stopped, its model packed. Hyperband's MaxResource defaults to the
// epochs hyperparameter, as SageMaker's. The properties hold
// BestTrainingJob and TrainingJobSummaries, best first, so
// TopModelS3URI resolves to the best job's model.tar.gz. Trials are the
// same for the same RandomSeed and MaxParallelTrainingJobs whatever the
// jobs' durations (a tuning job without a RandomSeed takes one from the
// pipeline's and the step's names, so every execution tries the same
// hyperparameters); a finished tuning job is recorded under <root>/tuning-jobs/ for the
// warm starts of later ones.
//
// A function that returns an error fails its step, unless the error wraps
// one of the exception types (ErrServiceFault, ErrThrottling,
// ErrJobInternal, ErrCapacity, ErrResourceLimit) and one of the step's
// retry policies matches it: then the step is retried after
// IntervalSeconds × BackoffRate^(k−1) (on the engine's Clock) while
// MaxAttempts retries or ExpireAfterMin minutes from the first attempt
// allow, as SageMaker does. ErrServiceFault and ErrThrottling are retried
// even without a policy naming them (after 1 s, doubling, at most 5
// times), as SageMaker retries them by default. A function that panics fails its step with the
// panic value and stack as the failure reason.
//
// # The artifact store
//
// s3://bucket/key is the path <root>/s3/bucket/key. Literal S3 URIs,
// default output locations (which contain the execution id) and property
// files all live there; Stage puts a local file or folder at an S3 URI
// before a run. An input naming a folder is given to the function as that
// folder, one naming a file as a folder holding it. Outputs are written
// to a temporary directory and moved into place only when the job
// succeeds, so a failed or stopped step leaves nothing half-written and
// earlier outputs intact.
//
// # Properties, conditions and branches
//
// A succeeded step's property tree is what SageMaker's Describe call for
// its job returns: a processing step's resolved request plus
// ProcessingJobName, ProcessingJobArn and ProcessingJobStatus (so
// ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri resolves);
// OutputParameters for Lambda and Callback steps; Outcome (a boolean) for
// a condition. Property files are read from the step's output when a
// JsonGet needs them. Conditions come in all the definition's shapes
// (Equals, GreaterThan, GreaterThanOrEqualTo, LessThan,
// LessThanOrEqualTo, In, Not, Or; the list is a conjunction); numbers
// compare by value, strings lexically. Std:Join renders values as Python's
// str() does (15000.0, True). The steps of the branch not taken, and steps
// whose dependencies did not succeed, are recorded as not run (with the
// reason); steps that do not depend on a failed step still run, and the
// execution ends Failed. A Fail step ends the execution as Failed with its resolved
// message: steps already running finish, no others start.
//
// # Execution records
//
// Run returns a *pipeline.Execution: status, resolved parameters, and per
// step its status, times, attempts, cache source, resolved arguments,
// properties, outputs, metrics, failure reason and log. The record is
// written atomically under <root>/executions/<id>/ as it changes (writes
// are coalesced), together with the definition; Executions lists the
// records under a root and Load reads one back. An execution that did
// not succeed comes back with an *ExecutionError wrapping ErrFailed or
// ErrStopped. Events (started, succeeded, failed, cached, retried,
// skipped, stopped) go to Config.OnEvent and Config.Logger as they happen.
//
// Ready steps run at once, up to Config.MaxParallel (RunOptions.MaxParallel
// for one run). Cancelling the context stops the execution: running step
// functions see their context done, their steps and the execution are
// recorded as stopped, and the steps that had not started as not run.
// Retry re-runs a failed or stopped execution in place, as SageMaker's
// RetryPipelineExecution does: its failed, stopped and not-run steps run
// again while the succeeded ones keep their outputs and properties.
//
// # The cache
//
// A step whose CacheConfig is enabled (Processing, Training and Tuning
// here; Transform where its executor caches) is not run when an earlier
// successful run of the same step of the same pipeline had the same key
// and is younger than ExpireAfter (an ISO 8601 duration in the forms
// SageMaker accepts: PT12H, P30D, 30d, T16m, ...). The key covers the
// step type, the resolved arguments SageMaker compares (for processing:
// AppSpecification, Environment, ProcessingInputs) and the content of the
// inputs. A hit reuses the earlier run's properties and outputs, and the
// record names the execution they came from. The key cannot see the Go
// function bound to the step: after changing a step's function, change
// one of its arguments (or its code's S3 URI) or disable its cache.
//
// # Models, the registry, batch transform and serving
//
// The engine runs CreateModel, RegisterModel and Transform steps itself;
// they need no binding. A CreateModel step records its model (image,
// model data URI, environment) under <root>/models/; its ModelName
// property is named like a job and DescribeModel reads the record back.
// A RegisterModel step adds a version to a model package group of the
// registry under <root>/registry/ (the group is created on first use),
// numbered from 1 as SageMaker numbers them, with its approval status
// (PendingManualApproval unless the step says otherwise), inference
// specification and model metrics, whose reports are read from the
// artifact store and kept with the version; its ModelPackageArn property
// is arn:aws:sagemaker:<region>:<account>:model-package/<group>/<n>.
// Registry (OpenRegistry, Engine.Registry) lists groups and versions,
// reads one, and approves or rejects it.
//
// A Transform step runs its model over every file of its input as
// SageMaker's batch transform does: records split by line or not at all
// (SplitType Line or None), sent in requests of up to MaxPayloadInMB
// (BatchStrategy MultiRecord) or one by one (SingleRecord), text/csv or
// application/json in and out, and each input file's predictions written
// to <output path>/<file>.out, all files or none. DataProcessing works
// on CSV records: InputFilter and OutputFilter pick fields ($, $[i,j],
// $[a:b]) and JoinSource Input prefixes each prediction with its input
// record. The predictor is the LoadFunc bound with Engine.Predictor to
// the step, its model or its image, or else LoadBoost, which loads the
// XGBoost models (JSON or UBJSON) that model.tar.gz holds. A row that
// does not parse fails the step with a message naming the file and the
// line.
//
// Serve (and NewServer) answers inference requests for a registered,
// approved package over HTTP with the protocol of SageMaker's XGBoost
// container: GET /ping, POST /invocations with text/csv or
// application/json rows, predictions and optionally each row's SHAP
// contributions in the answer, 4xx answers with a message for bad
// requests (400 naming the row, 413 for a body over the bound), and a
// graceful shutdown when its context is done.
//
// # Testing pipelines
//
// The engine is also the test environment for pipelines in a user's
// repository, in the manner of Temporal's test suite: Canned binds a
// step's result given in advance — files for its outputs (from bytes or
// local files), output parameters, properties, metrics, log lines, and an
// error to return on attempt k — and a VirtualClock makes retry intervals
// and cache ages take no time. The test runs the pipeline and asserts on
// the record with plain Go; see the Fail-branch example. A canned result
// also stands in for a step of a type the engine cannot run yet, with the
// properties it is given (a tuning step's TrainingJobSummaries, a
// registration's ModelPackageArn), so the logic of a whole pipeline can be
// tested today.
//
// # In a SageMaker container
//
// The functions bound for Run also run inside SageMaker, with the program
// as its own container image: call Main at the top of main, after the
// bindings. Started as "<program> step <StepName> [arguments...]" (the
// entrypoint the definition gives the job), Main reads what SageMaker
// gives the container, builds the same ProcessingJob or TrainingJob Run
// would, calls the function bound for the step and exits; started any
// other way it returns and the program runs as usual. A tuning job's
// training definition cannot name an entrypoint, so SageMaker starts
// those training jobs as "<image entrypoint> train"; Main runs them when
// the definition's Environment names the step in SAGEPIPE_STEP (StepEnv).
//
//	func main() {
//		ctx := context.Background()
//		engine := local.New(local.Config{})
//		engine.Processing("PreprocessData", preprocess)
//		engine.Training("TrainModel", train)
//		local.Main(ctx, engine) // exits when run as a job's entrypoint
//		// ... build the pipeline, run it locally or upsert it ...
//	}
//
// The contract, with /opt/ml replaced by $SAGEPIPE_ML_ROOT when set
// (Entrypoint.Root for RunEntrypoint):
//
//   - A processing job is recognised by /opt/ml/config/processingjobconfig.json,
//     the job's resolved CreateProcessingJob request, which SageMaker
//     writes into every processing container (its ProcessingJobName,
//     ProcessingInputs, ProcessingOutputConfig, ProcessingResources,
//     AppSpecification and Environment are read), and
//     /opt/ml/config/resourceconfig.json (current_host, hosts). Each input
//     is read at its LocalPath, each output directory is made at its
//     LocalPath for SageMaker to upload; Arguments are the program's
//     arguments after the step name (the job's ContainerArguments),
//     Environment the request's. With several instances each runs a copy:
//     Hosts and CurrentHost tell them apart, and a ShardedByS3Key input
//     holds only the instance's share of the objects (SageMaker does the
//     sharding), so a copy names its output files after CurrentHost.
//   - A training job is recognised by /opt/ml/input/config/hyperparameters.json;
//     inputdataconfig.json gives the channels (read at
//     /opt/ml/input/data/<channel>), resourceconfig.json the hosts and
//     instance type, and trainingjobconfig.json, when present, the
//     request's training image, input mode, environment and channel URIs.
//     The model goes to /opt/ml/model and other output to
//     /opt/ml/output/data, which SageMaker packs and uploads; Stdout is
//     the process's standard output, where SageMaker applies the metric
//     definitions, and LogMetric logs a "metric" line. TRAINING_JOB_NAME
//     names the job, and the training toolkit's variables (SM_MODEL_DIR,
//     SM_CHANNEL_<NAME>, SM_HPS, SM_CURRENT_HOST, ...) are in Environment
//     as Run sets them. A job with several instances gets the host list;
//     boost's distributed training stays within one instance (its actors
//     share job.System), so for training across instances use SageMaker's
//     built-in XGBoost, whose models boost loads.
//   - The step's binding is found as Run finds it: by step name, or by
//     the code or image keys the job's files hold (the code input's file
//     name, sagemaker_program, the training image).
//   - Exit status: ExitOK when the function returns nil. Otherwise the
//     error's text, prefixed with the step name, goes to
//     /opt/ml/output/failure (SageMaker's failure reason, the first 1024
//     bytes) and to standard error, and the exit status is ExitFailed for
//     the function's error or panic, ExitEntrypoint when the job cannot be
//     set up (ErrEntrypoint: missing or malformed files, no binding).
//     SIGTERM, which SageMaker sends to stop a job, cancels the
//     function's context.
//
// Job.ExecutionID is empty and Attempt is 1 in a container. The
// definition side is package steps': steps.StepEntrypoint gives a
// processing or training step this entrypoint, steps.StepEnvironment names
// a tuning step in its training jobs' environment, and validation refuses
// either when it names another step. examples/container holds a
// multi-stage Dockerfile that builds such a program into a small static
// image running as a non-root user, and the steps to push it to Amazon
// ECR.
package local
