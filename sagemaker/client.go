package sagemaker

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
)

// API is the part of the SageMaker API the engine calls. *sagemaker.Client
// satisfies it; tests and wrappers may pass their own (WithAPI).
type API interface {
	CreatePipeline(context.Context, *sm.CreatePipelineInput, ...func(*sm.Options)) (*sm.CreatePipelineOutput, error)
	UpdatePipeline(context.Context, *sm.UpdatePipelineInput, ...func(*sm.Options)) (*sm.UpdatePipelineOutput, error)
	DescribePipeline(context.Context, *sm.DescribePipelineInput, ...func(*sm.Options)) (*sm.DescribePipelineOutput, error)
	DeletePipeline(context.Context, *sm.DeletePipelineInput, ...func(*sm.Options)) (*sm.DeletePipelineOutput, error)
	AddTags(context.Context, *sm.AddTagsInput, ...func(*sm.Options)) (*sm.AddTagsOutput, error)
	StartPipelineExecution(context.Context, *sm.StartPipelineExecutionInput, ...func(*sm.Options)) (*sm.StartPipelineExecutionOutput, error)
	DescribePipelineExecution(context.Context, *sm.DescribePipelineExecutionInput, ...func(*sm.Options)) (*sm.DescribePipelineExecutionOutput, error)
	DescribePipelineDefinitionForExecution(context.Context, *sm.DescribePipelineDefinitionForExecutionInput, ...func(*sm.Options)) (*sm.DescribePipelineDefinitionForExecutionOutput, error)
	ListPipelineExecutionSteps(context.Context, *sm.ListPipelineExecutionStepsInput, ...func(*sm.Options)) (*sm.ListPipelineExecutionStepsOutput, error)
	ListPipelineParametersForExecution(context.Context, *sm.ListPipelineParametersForExecutionInput, ...func(*sm.Options)) (*sm.ListPipelineParametersForExecutionOutput, error)
	ListPipelineExecutions(context.Context, *sm.ListPipelineExecutionsInput, ...func(*sm.Options)) (*sm.ListPipelineExecutionsOutput, error)
	ListPipelines(context.Context, *sm.ListPipelinesInput, ...func(*sm.Options)) (*sm.ListPipelinesOutput, error)
	StopPipelineExecution(context.Context, *sm.StopPipelineExecutionInput, ...func(*sm.Options)) (*sm.StopPipelineExecutionOutput, error)
	RetryPipelineExecution(context.Context, *sm.RetryPipelineExecutionInput, ...func(*sm.Options)) (*sm.RetryPipelineExecutionOutput, error)
}

// S3API is the part of the S3 API staging calls. *s3.Client satisfies it.
type S3API interface {
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var (
	_ API   = (*sm.Client)(nil)
	_ S3API = (*s3.Client)(nil)
)

// Client drives pipelines on SageMaker. It is safe for concurrent use.
type Client struct {
	api     API
	s3      S3API
	log     *slog.Logger
	pollMin time.Duration
	pollMax time.Duration
	now     func() time.Time
}

// Option configures a Client.
type Option func(*options)

type options struct {
	endpoint string
	api      API
	s3       S3API
	log      *slog.Logger
	pollMin  time.Duration
	pollMax  time.Duration
	now      func() time.Time
}

// WithEndpoint sends every SageMaker and S3 request to url instead of the
// region's endpoints (S3 with path-style addressing): a local test server
// or a VPC endpoint.
func WithEndpoint(url string) Option { return func(o *options) { o.endpoint = url } }

// WithAPI makes the client call api instead of a SageMaker client built
// from the configuration.
func WithAPI(api API) Option { return func(o *options) { o.api = api } }

// WithS3 makes the client stage code and large definitions through api.
func WithS3(api S3API) Option { return func(o *options) { o.s3 = api } }

// WithLogger logs each call at debug level (operation and pipeline only:
// never credentials or signed headers). The default discards.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithPolling sets how often Wait polls: first after min, then twice as
// long after each poll that saw no change, up to max. The defaults are 5 s
// and 60 s.
func WithPolling(min, max time.Duration) Option {
	return func(o *options) { o.pollMin, o.pollMax = min, max }
}

// WithClock sets the clock that stamps events with no service time and
// freezes a definition's timestamps during Upsert; the default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New returns a client for the account, region and credentials of cfg,
// which usually comes from config.LoadDefaultConfig (the standard chain:
// environment, shared files, SSO, instance role). Throttled calls are
// retried by cfg's retryer.
func New(cfg aws.Config, opts ...Option) (*Client, error) {
	o := options{pollMin: 5 * time.Second, pollMax: time.Minute, now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	if o.pollMin <= 0 || o.pollMax < o.pollMin {
		return nil, fmt.Errorf("sagemaker: polling interval %v..%v is invalid", o.pollMin, o.pollMax)
	}
	if o.api == nil {
		o.api = sm.NewFromConfig(cfg, func(so *sm.Options) {
			if o.endpoint != "" {
				so.BaseEndpoint = aws.String(o.endpoint)
			}
		})
	}
	if o.s3 == nil {
		o.s3 = s3.NewFromConfig(cfg, func(so *s3.Options) {
			if o.endpoint != "" {
				so.BaseEndpoint = aws.String(o.endpoint)
				so.UsePathStyle = true
			}
		})
	}
	if o.log == nil {
		o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Client{api: o.api, s3: o.s3, log: o.log, pollMin: o.pollMin, pollMax: o.pollMax, now: o.now}, nil
}

// NewDefault loads the standard configuration chain
// (config.LoadDefaultConfig) and returns New of it.
func NewDefault(ctx context.Context, opts ...Option) (*Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("sagemaker: load AWS configuration: %w", err)
	}
	return New(cfg, opts...)
}
