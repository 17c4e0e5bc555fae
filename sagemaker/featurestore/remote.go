package featurestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagepipe/sagepipe/actor"
)

// API is the part of the SageMaker API the remote store calls.
// *sagemaker.Client satisfies it.
type API interface {
	CreateFeatureGroup(context.Context, *sm.CreateFeatureGroupInput, ...func(*sm.Options)) (*sm.CreateFeatureGroupOutput, error)
	DescribeFeatureGroup(context.Context, *sm.DescribeFeatureGroupInput, ...func(*sm.Options)) (*sm.DescribeFeatureGroupOutput, error)
	DeleteFeatureGroup(context.Context, *sm.DeleteFeatureGroupInput, ...func(*sm.Options)) (*sm.DeleteFeatureGroupOutput, error)
}

var _ API = (*sm.Client)(nil)

// Remote drives feature groups on SageMaker Feature Store. It is safe for
// concurrent use.
type Remote struct {
	api     API
	http    *http.Client
	runtime string // the runtime API's base URL
	creds   aws.CredentialsProvider
	region  string
	retryer aws.Retryer
	poll    time.Duration
	log     *slog.Logger
	sys     *actor.System
}

// RemoteOption configures a Remote.
type RemoteOption func(*Remote)

// WithEndpoint sends control-plane and runtime requests to url (a test
// server or a VPC endpoint) instead of the region's endpoints.
func WithEndpoint(url string) RemoteOption { return func(r *Remote) { r.runtime = url } }

// WithAPI makes the store call api for the control plane.
func WithAPI(api API) RemoteOption { return func(r *Remote) { r.api = api } }

// WithHTTPClient sends runtime requests through c.
func WithHTTPClient(c *http.Client) RemoteOption { return func(r *Remote) { r.http = c } }

// WithPolling sets how often Create asks whether the group is Created
// (default 5 s).
func WithPolling(d time.Duration) RemoteOption { return func(r *Remote) { r.poll = d } }

// WithLogger logs calls at debug level (operation and group, never
// credentials or signatures).
func WithLogger(l *slog.Logger) RemoteOption { return func(r *Remote) { r.log = l } }

// NewRemote returns a store for the account, region and credentials of
// cfg (from config.LoadDefaultConfig). Runtime calls are retried as cfg's
// retryer says.
func NewRemote(cfg aws.Config, opts ...RemoteOption) (*Remote, error) {
	r := &Remote{http: http.DefaultClient, creds: cfg.Credentials, region: cfg.Region, poll: 5 * time.Second}
	if cfg.Retryer != nil {
		r.retryer = cfg.Retryer()
	} else {
		r.retryer = retry.NewStandard()
	}
	for _, o := range opts {
		o(r)
	}
	if r.region == "" {
		return nil, errors.New("featurestore: no AWS region configured")
	}
	if r.creds == nil {
		return nil, errors.New("featurestore: no AWS credentials configured")
	}
	if r.poll <= 0 {
		return nil, fmt.Errorf("featurestore: polling interval %v", r.poll)
	}
	endpoint := r.runtime
	if r.api == nil {
		r.api = sm.NewFromConfig(cfg, func(o *sm.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
		})
	}
	if r.runtime == "" {
		r.runtime = "https://featurestore-runtime.sagemaker." + r.region + ".amazonaws.com"
	}
	r.runtime = strings.TrimSuffix(r.runtime, "/")
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return r, nil
}

// Description is what DescribeFeatureGroup says of a group.
type Description struct {
	Group         Group
	ARN           string
	Status        string // Creating, Created, CreateFailed, Deleting, DeleteFailed
	FailureReason string
	Created       time.Time
	// OfflineURI is the offline store's resolved data location
	// (ResolvedOutputS3Uri), which dataset.ReadParquet reads through an
	// S3 file system; empty without an offline store.
	OfflineURI string
}

// Create creates the group, running as roleARN (needed by the offline
// store), and waits until it is Created. A group that fails to create
// gives an error with the service's reason.
func (r *Remote) Create(ctx context.Context, g Group, roleARN string) (Description, error) {
	if err := g.Validate(); err != nil {
		return Description{}, err
	}
	in := &sm.CreateFeatureGroupInput{
		FeatureGroupName:            aws.String(g.Name),
		RecordIdentifierFeatureName: aws.String(g.RecordIdentifier),
		EventTimeFeatureName:        aws.String(g.EventTime),
		OnlineStoreConfig:           &smtypes.OnlineStoreConfig{EnableOnlineStore: aws.Bool(g.Online)},
	}
	for _, f := range g.Features {
		in.FeatureDefinitions = append(in.FeatureDefinitions, smtypes.FeatureDefinition{
			FeatureName: aws.String(f.Name), FeatureType: smtypes.FeatureType(f.Type)})
	}
	if g.OfflineS3URI != "" {
		in.OfflineStoreConfig = &smtypes.OfflineStoreConfig{S3StorageConfig: &smtypes.S3StorageConfig{S3Uri: aws.String(g.OfflineS3URI)}}
	}
	if roleARN != "" {
		in.RoleArn = aws.String(roleARN)
	}
	if g.Description != "" {
		in.Description = aws.String(g.Description)
	}
	r.log.DebugContext(ctx, "CreateFeatureGroup", "group", g.Name)
	if _, err := r.api.CreateFeatureGroup(ctx, in); err != nil {
		return Description{}, opErr("CreateFeatureGroup", g.Name, err)
	}
	for {
		d, err := r.Describe(ctx, g.Name)
		if err != nil {
			return d, err
		}
		switch d.Status {
		case string(smtypes.FeatureGroupStatusCreated):
			return d, nil
		case string(smtypes.FeatureGroupStatusCreating):
		default:
			return d, fmt.Errorf("featurestore: create %s: status %s: %s", g.Name, d.Status, d.FailureReason)
		}
		t := time.NewTimer(r.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return d, fmt.Errorf("featurestore: wait for %s to be created: %w", g.Name, ctx.Err())
		case <-t.C:
		}
	}
}

// Describe returns the group's description.
func (r *Remote) Describe(ctx context.Context, name string) (Description, error) {
	out, err := r.api.DescribeFeatureGroup(ctx, &sm.DescribeFeatureGroupInput{FeatureGroupName: aws.String(name)})
	if err != nil {
		return Description{}, opErr("DescribeFeatureGroup", name, err)
	}
	d := Description{
		ARN:           aws.ToString(out.FeatureGroupArn),
		Status:        string(out.FeatureGroupStatus),
		FailureReason: aws.ToString(out.FailureReason),
		Created:       aws.ToTime(out.CreationTime),
		Group: Group{
			Name:             aws.ToString(out.FeatureGroupName),
			RecordIdentifier: aws.ToString(out.RecordIdentifierFeatureName),
			EventTime:        aws.ToString(out.EventTimeFeatureName),
			Description:      aws.ToString(out.Description),
		},
	}
	for _, f := range out.FeatureDefinitions {
		d.Group.Features = append(d.Group.Features, Feature{Name: aws.ToString(f.FeatureName), Type: FeatureType(f.FeatureType)})
	}
	if c := out.OnlineStoreConfig; c != nil {
		d.Group.Online = aws.ToBool(c.EnableOnlineStore)
	}
	if c := out.OfflineStoreConfig; c != nil && c.S3StorageConfig != nil {
		d.Group.OfflineS3URI = aws.ToString(c.S3StorageConfig.S3Uri)
		d.OfflineURI = aws.ToString(c.S3StorageConfig.ResolvedOutputS3Uri)
	}
	return d, nil
}

// OfflineURI returns the resolved S3 URI of the group's offline store data.
func (r *Remote) OfflineURI(ctx context.Context, name string) (string, error) {
	d, err := r.Describe(ctx, name)
	if err != nil {
		return "", err
	}
	if d.OfflineURI == "" {
		return "", fmt.Errorf("featurestore: group %s has no offline store", name)
	}
	return d.OfflineURI, nil
}

// Delete deletes the group (its offline data stays in S3).
func (r *Remote) Delete(ctx context.Context, name string) error {
	_, err := r.api.DeleteFeatureGroup(ctx, &sm.DeleteFeatureGroupInput{FeatureGroupName: aws.String(name)})
	return opErr("DeleteFeatureGroup", name, err)
}

// Error is a failed call: the operation, the group and the cause.
type Error struct {
	Op, Group string
	Err       error
}

// Error returns "featurestore: <op> <group>: <cause>".
func (e *Error) Error() string { return fmt.Sprintf("featurestore: %s %s: %v", e.Op, e.Group, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func opErr(op, group string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Group: group, Err: err}
}
