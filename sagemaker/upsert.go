package sagemaker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/smithy-go"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// DefaultInlineLimit is the definition size from which Upsert sends the
// definition through S3, as SDK 2.257.6 does (100 KiB; the API itself
// accepts up to 1,048,576 characters inline).
const DefaultInlineLimit = 100 * 1024

// Tag is a resource tag.
type Tag struct{ Key, Value string }

// UpsertOptions are the optional settings of Upsert.
type UpsertOptions struct {
	Description string
	DisplayName string
	// Tags are set on creation, and added on update.
	Tags []Tag
	// MaxParallelSteps limits the steps an execution runs at once; 0
	// leaves the service default.
	MaxParallelSteps int
	// InlineLimit is the definition size (bytes) from which the
	// definition goes through S3; 0 means DefaultInlineLimit.
	InlineLimit int
	// DefinitionBucket receives a large definition at
	// <prefix>/<pipeline name>; empty means the pipeline environment's
	// bucket and prefix, as the SDK does.
	DefinitionBucket string
}

// Upserted is what Upsert did.
type Upserted struct {
	// ARN is the pipeline's ARN.
	ARN string
	// Version is the pipeline version the definition became (1 on
	// creation), 0 when the service did not say.
	Version int64
	// Created is true when the pipeline was created, false when updated.
	Created bool
	// Staged lists the S3 URIs of the code uploaded by this call (code
	// already there is not uploaded again).
	Staged []string
	// DefinitionS3 is the definition's S3 URI when it went through S3.
	DefinitionS3 string
}

// Upsert creates the pipeline p on SageMaker, or updates it if a pipeline
// of that name exists, with executions running as roleARN. The definition
// sent is exactly p.Definition(), compiled once with its clock (the
// environment's, or the client's) read once and frozen, so that
// timestamped code locations match what is staged. Local code the
// steps name is read and packed before any call, then uploaded where
// missing, before the pipeline is created or updated.
func (c *Client) Upsert(ctx context.Context, p *pipeline.Pipeline, roleARN string, opts UpsertOptions) (Upserted, error) {
	var res Upserted
	env := p.Environment()
	now := c.now
	if env.Now != nil {
		now = env.Now
	}
	env.Now = steps.FrozenClock(now())
	p = p.Env(env)
	name := p.Name()
	def, err := p.Definition()
	if err != nil {
		return res, fmt.Errorf("sagemaker: pipeline %s: %w", name, err)
	}
	ups, err := uploads(p, &env)
	if err != nil {
		return res, fmt.Errorf("sagemaker: pipeline %s: %w", name, err)
	}
	var inline *string
	var defObj *upload
	limit := opts.InlineLimit
	if limit <= 0 {
		limit = DefaultInlineLimit
	}
	if len(def) < limit {
		inline = aws.String(string(def))
	} else {
		defObj = &upload{bucket: opts.DefinitionBucket, key: name, body: def}
		if defObj.bucket == "" {
			defObj.bucket = env.Bucket
			if env.BucketPrefix != "" {
				defObj.key = env.BucketPrefix + "/" + name
			}
		}
		if defObj.bucket == "" {
			return res, fmt.Errorf("sagemaker: pipeline %s: definition of %d bytes needs S3 and no bucket is set", name, len(def))
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.Staged, err = c.stage(ctx, name, ups)
	if err != nil {
		return res, err
	}
	var loc *smtypes.PipelineDefinitionS3Location
	if defObj != nil {
		if err := c.put(ctx, name, *defObj); err != nil {
			return res, err
		}
		loc = &smtypes.PipelineDefinitionS3Location{Bucket: aws.String(defObj.bucket), ObjectKey: aws.String(defObj.key)}
		res.DefinitionS3 = defObj.uri()
	}
	var par *smtypes.ParallelismConfiguration
	if opts.MaxParallelSteps > 0 {
		par = &smtypes.ParallelismConfiguration{MaxParallelExecutionSteps: aws.Int32(int32(opts.MaxParallelSteps))}
	}
	var tags []smtypes.Tag
	for _, t := range opts.Tags {
		tags = append(tags, smtypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}

	c.log.DebugContext(ctx, "CreatePipeline", "pipeline", name, "bytes", len(def))
	out, err := c.api.CreatePipeline(ctx, &sm.CreatePipelineInput{
		PipelineName:                 aws.String(name),
		RoleArn:                      aws.String(roleARN),
		PipelineDefinition:           inline,
		PipelineDefinitionS3Location: loc,
		PipelineDescription:          optString(opts.Description),
		PipelineDisplayName:          optString(opts.DisplayName),
		ParallelismConfiguration:     par,
		Tags:                         tags,
		ClientRequestToken:           aws.String(token()),
	})
	if err == nil {
		res.ARN, res.Version, res.Created = aws.ToString(out.PipelineArn), 1, true
		return res, nil
	}
	if !exists(err) {
		return res, opErr("CreatePipeline", name, err)
	}
	c.log.DebugContext(ctx, "UpdatePipeline", "pipeline", name, "bytes", len(def))
	up, err := c.api.UpdatePipeline(ctx, &sm.UpdatePipelineInput{
		PipelineName:                 aws.String(name),
		RoleArn:                      aws.String(roleARN),
		PipelineDefinition:           inline,
		PipelineDefinitionS3Location: loc,
		PipelineDescription:          optString(opts.Description),
		PipelineDisplayName:          optString(opts.DisplayName),
		ParallelismConfiguration:     par,
	})
	if err != nil {
		return res, opErr("UpdatePipeline", name, err)
	}
	res.ARN, res.Version = aws.ToString(up.PipelineArn), aws.ToInt64(up.PipelineVersionId)
	if len(tags) > 0 {
		if _, err := c.api.AddTags(ctx, &sm.AddTagsInput{ResourceArn: up.PipelineArn, Tags: tags}); err != nil {
			return res, opErr("AddTags", name, err)
		}
	}
	return res, nil
}

// exists reports CreatePipeline's answer for a name that is taken, which
// the SDK's upsert also reads: a ValidationException saying pipeline names
// must be unique (or a ResourceInUse).
func exists(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ResourceInUse":
		return true
	case "ValidationException":
		msg := ae.ErrorMessage()
		return strings.Contains(msg, "must be unique") || strings.Contains(msg, "already exists")
	}
	return false
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// token returns a fresh idempotency token.
func token() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Pipeline returns the named pipeline as deployed: its definition read
// back with pipeline.Parse, so that Start can check values against its
// declarations.
func (c *Client) Pipeline(ctx context.Context, name string) (*pipeline.Pipeline, error) {
	out, err := c.api.DescribePipeline(ctx, &sm.DescribePipelineInput{PipelineName: aws.String(name)})
	if err != nil {
		return nil, opErr("DescribePipeline", name, err)
	}
	p, err := pipeline.Parse([]byte(aws.ToString(out.PipelineDefinition)))
	if err != nil {
		return nil, fmt.Errorf("sagemaker: pipeline %s: %w", name, err)
	}
	return p.WithName(name), nil
}
