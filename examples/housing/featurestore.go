package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/sagemaker/featurestore"
)

// The seed's feature group: the record identifier and event time columns
// its ingestion adds.
const (
	recordID  = "record_id"
	eventTime = "event_time"
	// offlineSuffix is the folder under Bucket_Prefix the seed's
	// ingestion script puts the offline store in.
	offlineSuffix = "synthetic-housing-price-data"
)

// bookkeeping are the columns PreprocessData drops after reading the
// offline store: the identifier, the event time, and what the store adds.
var bookkeeping = append([]string{recordID, eventTime}, featurestore.Bookkeeping...)

// groupRecord is what DescribeFeatureGroup tells the seed's scripts about
// a group: its definition and when it was created. The ingestion step
// writes it under <root>/feature-groups/ when it creates the group; the
// preprocessing step reads it back by name, as the seed's script
// describes the group to find its offline store.
type groupRecord struct {
	Group        featurestore.Group
	CreationTime time.Time
}

// groupPath is where the description of group name is kept under root.
func groupPath(root, name string) string {
	return filepath.Join(root, "feature-groups", name+".json")
}

// describeGroup reads the description of feature group name.
func describeGroup(root, name string) (groupRecord, error) {
	var g groupRecord
	b, err := os.ReadFile(groupPath(root, name))
	if errors.Is(err, os.ErrNotExist) {
		return g, fmt.Errorf("feature group %q does not exist (FeatureStoreIngestion creates it)", name)
	}
	if err != nil {
		return g, err
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return g, fmt.Errorf("feature group %q: %w", name, err)
	}
	return g, nil
}

// createGroup returns the description of the feature group g.Name,
// recording g as created at now if the group does not exist yet. As the
// seed's script, it leaves an existing group as it is.
func createGroup(root string, g featurestore.Group, now time.Time) (groupRecord, error) {
	if rec, err := describeGroup(root, g.Name); err == nil {
		return rec, nil
	}
	if err := g.Validate(); err != nil {
		return groupRecord{}, err
	}
	rec := groupRecord{Group: g, CreationTime: now.UTC()}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return rec, err
	}
	path := groupPath(root, g.Name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return rec, err
	}
	return rec, atomicfile.WriteFile(path, b, 0o644)
}

// seedGroup is the group the seed's ingestion creates for a dataset of
// schema s: record identifier record_id (Integral), event time event_time
// (Fractional) and the dataset's columns as features (PRICE Integral, the
// others Fractional when read by readFeatures), offline store only.
func seedGroup(name, offlineURI string, s dataset.Schema) featurestore.Group {
	return featurestore.Group{
		Name:             name,
		RecordIdentifier: recordID,
		EventTime:        eventTime,
		Features: append([]featurestore.Feature{
			{Name: recordID, Type: featurestore.Integral},
			{Name: eventTime, Type: featurestore.Fractional},
		}, featurestore.Features(s)...),
		OfflineS3URI: offlineURI,
		Description:  "synthetic housing price data",
	}
}

// openGroup opens the local store of rec, whose offline store lives in
// the engine's artifact store (s3://bucket/key at <root>/s3/bucket/key).
func (s *impl) openGroup(ctx context.Context, rec groupRecord, sys *dataset.System) (*featurestore.Local, error) {
	l, err := featurestore.OpenLocal(ctx, filepath.Join(s.root, "s3"), rec.Group, featurestore.LocalOptions{
		Account: s.account, Region: s.region, Now: s.now, System: sys,
	})
	if err != nil {
		return nil, fmt.Errorf("feature group %s: %w", rec.Group.Name, err)
	}
	return l, nil
}

// offlineStore returns the directory holding the offline store of the
// group name, for the preprocessing to read, and what removes it when
// read: the engine's store locally, the files fetched from S3 in a
// SageMaker container (impl.fetchOffline).
func (s *impl) offlineStore(ctx context.Context, job *local.ProcessingJob, args scriptArgs, name string) (string, func(), error) {
	if s.root == "" {
		return s.fetchOffline(ctx, job, args, name)
	}
	rec, err := describeGroup(s.root, name)
	if err != nil {
		return "", nil, err
	}
	store, err := s.openGroup(ctx, rec, job.System)
	if err != nil {
		return "", nil, err
	}
	return store.OfflineDir(), func() {}, nil
}

// storePath maps an s3:// URI to its path in the engine's artifact store.
func storePath(root, uri string) (string, error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok || rest == "" || slices.Contains(strings.Split(rest, "/"), "..") {
		return "", fmt.Errorf("bad S3 URI %q", uri)
	}
	return filepath.Join(root, "s3", filepath.FromSlash(rest)), nil
}
