package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/dataset"
)

// The seed's feature group: record identifier and event time columns that
// its ingestion adds, and the columns the offline store adds besides the
// features (three bookkeeping columns and four Hive partition keys).
const (
	recordID  = "record_id"
	eventTime = "event_time"
	// offlineSuffix is the folder under Bucket_Prefix the seed's
	// ingestion script puts the offline store in.
	offlineSuffix = "synthetic-housing-price-data"
)

// bookkeeping are the columns PreprocessData drops after reading the
// offline store.
var bookkeeping = []string{recordID, eventTime, "write_time", "api_invocation_time", "is_deleted",
	"year", "month", "day", "hour"}

// featureGroup is what DescribeFeatureGroup tells the seed's scripts about
// a group: its name and the resolved location of its offline store. The
// ingestion step writes it under <root>/feature-groups/ when it creates
// the group; the preprocessing step reads it back by name, as the seed's
// script describes the group to find its offline store.
type featureGroup struct {
	Name string `json:"FeatureGroupName"`
	// OfflineStoreURI is <base>/<account>/sagemaker/<region>/offline-store/<name>-<epoch>.
	OfflineStoreURI string    `json:"ResolvedOutputS3Uri"`
	CreationTime    time.Time `json:"CreationTime"`
}

// groupPath is where the description of group name is kept under root.
func groupPath(root, name string) string {
	return filepath.Join(root, "feature-groups", name+".json")
}

// describeGroup reads the description of feature group name.
func describeGroup(root, name string) (featureGroup, error) {
	var g featureGroup
	b, err := os.ReadFile(groupPath(root, name))
	if errors.Is(err, os.ErrNotExist) {
		return g, fmt.Errorf("feature group %q does not exist (run FeatureStoreIngestion first)", name)
	}
	if err != nil {
		return g, err
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return g, fmt.Errorf("feature group %q: %w", name, err)
	}
	return g, nil
}

// createGroup returns the description of feature group name, creating it
// with its offline store under base if it does not exist yet.
func createGroup(root, name, base, account, region string, now time.Time) (featureGroup, error) {
	if g, err := describeGroup(root, name); err == nil {
		return g, nil
	}
	g := featureGroup{
		Name: name,
		OfflineStoreURI: fmt.Sprintf("%s/%s/sagemaker/%s/offline-store/%s-%d",
			strings.TrimSuffix(base, "/"), account, region, name, now.Unix()),
		CreationTime: now.UTC(),
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return g, err
	}
	path := groupPath(root, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return g, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return g, err
	}
	return g, os.Rename(tmp, path)
}

// storePath maps an s3:// URI to its path in the engine's artifact store.
func storePath(root, uri string) (string, error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok || rest == "" || strings.Contains(rest, "..") {
		return "", fmt.Errorf("bad S3 URI %q", uri)
	}
	return filepath.Join(root, "s3", filepath.FromSlash(rest)), nil
}

// ingest writes the rows of ds into the offline store of g as SageMaker's
// offline store holds them: parquet under data/year=/month=/day=/hour=,
// with record_id numbering the rows, event_time the ingestion time, and the
// store's write_time, api_invocation_time and is_deleted columns. The rows
// are written by numActors parallel writers, one file each. A previous
// ingestion's files are replaced once the new ones are all written.
func ingest(ctx context.Context, root string, g featureGroup, ds *dataset.Dataset, numActors int, now time.Time) (int64, error) {
	if numActors < 1 {
		return 0, fmt.Errorf("--num_actors %d: want at least 1", numActors)
	}
	offline, err := storePath(root, g.OfflineStoreURI)
	if err != nil {
		return 0, err
	}
	rows, err := ds.Materialize(ctx)
	if err != nil {
		return 0, err
	}
	n, err := rows.Count(ctx)
	if err != nil {
		return 0, err
	}
	now = now.UTC()
	stamp := now.Format("2006-01-02 15:04:05.000")
	epoch := float64(now.UnixMilli()) / 1000
	var next int64
	blocks := rows.Repartition(numActors)
	var out []*dataset.Block
	for b, err := range blocks.Blocks(ctx) {
		if err != nil {
			return 0, err
		}
		m := b.NumRows()
		id := make([]int64, m)
		ev := make([]float64, m)
		wt := make([]string, m)
		for i := range m {
			id[i] = next
			next++
			ev[i] = epoch
			wt[i] = stamp
		}
		for _, c := range []struct {
			name string
			col  *dataset.Column
		}{
			{recordID, dataset.NewInt64Column(id, nil)},
			{eventTime, dataset.NewFloat64Column(ev, nil)},
			{"write_time", dataset.NewStringColumn(wt, nil)},
			{"api_invocation_time", dataset.NewStringColumn(wt, nil)},
			{"is_deleted", dataset.NewBoolColumn(make([]bool, m), nil)},
		} {
			if b, err = b.WithColumn(c.name, c.col); err != nil {
				return 0, err
			}
		}
		out = append(out, b)
	}
	withIDs, err := dataset.FromBlocks(nil, out, dataset.Options{Parallelism: numActors})
	if err != nil {
		return 0, err
	}
	data := filepath.Join(offline, "data")
	tmp := offline + ".ingest"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, err
	}
	part := filepath.Join(tmp, now.Format("year=2006/month=01/day=02/hour=15"))
	if _, err := withIDs.WriteParquet(ctx, part, dataset.WriteOptions{FilePrefix: now.Format("20060102T150405Z") + "_"}); err != nil {
		return 0, fmt.Errorf("offline store of %s: %w", g.Name, err)
	}
	if err := os.RemoveAll(data); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(offline, 0o755); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, data); err != nil {
		return 0, err
	}
	return n, nil
}
