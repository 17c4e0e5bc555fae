// Package sagemakertest serves a loopback SageMaker for tests of programs
// that drive the AWS engine (package sagemaker): the fixture the engine's
// own tests use. It speaks the SageMaker API as the AWS SDK sends it,
// checks each request's signature and required fields, keeps the
// pipelines it is given and answers executions with progress the test
// scripts frame by frame; requests it does not own (S3) go to a fallback
// handler, such as an S3 fake. It is not a model of the service and serves
// loopback clients only.
package sagemakertest

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sagepipe/sagepipe/sagemaker/internal/smfake"
)

// Server is the fixture; its URL is the endpoint to give
// sagemaker.WithEndpoint. Script sets the frames an execution goes
// through, Definition returns an upserted pipeline's definition, and
// Problems lists the requests it found malformed. It serves feature
// groups too: Records returns what PutRecord wrote, and FlushOffline
// writes the records put since the last flush to the groups' offline
// stores through the fallback (an S3 fake), as SageMaker does some
// minutes after the puts.
type Server = smfake.Server

// Frame is what the server answers about an execution at one point.
type Frame = smfake.Frame

// Step is one step's state in a Frame.
type Step = smfake.Step

// The place the server serves.
const (
	Region  = smfake.Region
	Account = smfake.Account
)

// New starts a server on 127.0.0.1 that hands requests it does not own to
// fallback (nil: 404). Close it when done.
func New(fallback http.Handler) *Server { return smfake.New(fallback) }

// Config returns an AWS configuration for the server: its static
// credentials, its region, and the SDK's standard retryer with short
// backoffs.
func Config() aws.Config {
	return aws.Config{
		Region:      smfake.Region,
		Credentials: credentials.NewStaticCredentialsProvider(smfake.AccessKey, smfake.SecretKey, ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.NewExponentialJitterBackoff(5 * time.Millisecond)
			})
		},
	}
}
