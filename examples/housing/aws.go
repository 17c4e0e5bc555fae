package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/sagemaker"
)

// placeholderAccount is the account of the published definition.
const placeholderAccount = "111122223333"

// codeNotes says where the seed's scripts must be for a run on SageMaker:
// the three processing scripts at the S3 URIs the definition names, and
// the training source directory and the inference script under
// ./pipeline_scripts/, which the upsert packs and uploads.
func codeNotes(s *Seed) string {
	if s.Image != "" {
		return "The steps run this program in " + s.Image + ": build it with examples/container/Dockerfile\n" +
			"(--build-arg PKG=./examples/housing) and push it there first."
	}
	var b strings.Builder
	b.WriteString("On SageMaker the steps run the seed's scripts (aws-samples/aws-samples-for-ray,\n")
	b.WriteString("sagemaker/distributed-xgb-sm-pipeline/pipeline_scripts/); upload them first:\n")
	fmt.Fprintf(&b, "  feature-store/script-fs.py  to %s\n", s.IngestCode)
	fmt.Fprintf(&b, "  preprocessing/script.py     to %s\n", s.PreprocessCode)
	fmt.Fprintf(&b, "  evaluate/script.py          to %s\n", s.EvaluateCode)
	b.WriteString("and run from a directory holding pipeline_scripts/train/ and pipeline_scripts/inference/script.py:\n")
	b.WriteString("the upsert packs and uploads those two.")
	return b.String()
}

// checkAWS refuses, before any call, a run on SageMaker that cannot work:
// the placeholder account, or local code the definition names that is not
// here.
func checkAWS(s *Seed, account string) error {
	if account == placeholderAccount {
		return &usageError{fmt.Errorf("-aws: account %s is the published definition's placeholder; give -account, -region and -role of your account\n%s",
			account, codeNotes(s))}
	}
	missing, err := validate(s)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &usageError{fmt.Errorf("-aws: %w\n%s", errors.Join(missing...), codeNotes(s))}
	}
	return nil
}

// runAWS uploads the raw data to the bucket the first step reads, upserts
// the pipeline, starts an execution with params and shows its progress
// until it ends. Credentials come from the standard AWS configuration
// chain; the region is the pipeline's.
func runAWS(ctx context.Context, w io.Writer, s *Seed, account string, params map[string]any) error {
	if err := checkAWS(s, account); err != nil {
		return err
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(s.Env.Region))
	if err != nil {
		return fmt.Errorf("-aws: %w", err)
	}
	client, err := sagemaker.New(cfg)
	if err != nil {
		return fmt.Errorf("-aws: %w", err)
	}
	return runOn(ctx, w, s, client, s3.NewFromConfig(cfg), params)
}

// objectPutter uploads one S3 object (an *s3.Client).
type objectPutter interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// runOn is runAWS with its clients: the raw data goes to S3 through put,
// the pipeline to SageMaker through client.
func runOn(ctx context.Context, w io.Writer, s *Seed, client *sagemaker.Client, put objectPutter, params map[string]any) error {
	bucket := s.Env.Bucket
	key := strings.TrimPrefix(s.rawURI(), "s3://"+bucket+"/")
	if _, err := put.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &bucket, Key: &key, Body: bytes.NewReader(rawCSV),
	}); err != nil {
		return fmt.Errorf("-aws: upload the raw data to %s: %w", s.rawURI(), err)
	}
	fmt.Fprintf(w, "uploaded the raw data to %s\n", s.rawURI())
	up, err := client.Upsert(ctx, s.Pipeline, s.Env.Role, sagemaker.UpsertOptions{})
	if err != nil {
		return fmt.Errorf("-aws: %w\n%s", err, codeNotes(s))
	}
	fmt.Fprintf(w, "pipeline %s, version %d (%d code files uploaded)\n", up.ARN, up.Version, len(up.Staged))
	ex, err := client.Start(ctx, s.Pipeline, params, sagemaker.StartOptions{})
	if err != nil {
		if errors.Is(err, sagemaker.ErrParameter) {
			return &usageError{err}
		}
		return fmt.Errorf("-aws: %w", err)
	}
	fmt.Fprintf(w, "execution %s\n", ex.ARN())
	prog := local.NewProgress(w, s.Pipeline.Graph())
	rec, werr := ex.Wait(ctx, prog.Event)
	if err := prog.Close(); err != nil && werr == nil {
		werr = err
	}
	if rec != nil {
		fmt.Fprintf(w, "\nexecution %s: %s\n", rec.ID, rec.Status)
	}
	return werr
}
