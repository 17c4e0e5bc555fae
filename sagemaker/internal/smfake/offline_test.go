package smfake

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/sagemaker/featurestore"
)

// TestFlushOffline puts records into a group with an offline store and
// one without, flushes, and reads the parquet files back from the S3
// fake: one file per event-time hour under the resolved URI in
// SageMaker's partition layout, the features typed and in definition
// order (a missing one null), then the bookkeeping columns. A second
// flush writes nothing.
func TestFlushOffline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const bucket = "offline-bucket"
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := New(gofakes3.New(backend).Server())
	defer srv.Close()
	cfg := aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")}
	r, err := featurestore.NewRemote(cfg, featurestore.WithEndpoint(srv.URL), featurestore.WithPolling(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	g := featurestore.Group{
		Name: "houses", RecordIdentifier: "id", EventTime: "t",
		Features: []featurestore.Feature{{Name: "id", Type: featurestore.Integral}, {Name: "t", Type: featurestore.Fractional},
			{Name: "price", Type: featurestore.Integral}, {Name: "city", Type: featurestore.String}},
		OfflineS3URI: "s3://" + bucket + "/fs",
	}
	online := g
	online.Name, online.Online, online.OfflineS3URI = "online-only", true, ""
	d, err := r.Create(ctx, g, "arn:aws:iam::111122223333:role/R")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Create(ctx, online, ""); err != nil {
		t.Fatal(err)
	}
	hour := float64(time.Date(2023, 11, 28, 5, 0, 0, 0, time.UTC).Unix())
	recs := []featurestore.Record{
		{"id": int64(1), "t": hour + 1.5, "price": int64(100), "city": "Oslo"},
		{"id": int64(2), "t": hour + 3600, "price": int64(200)},
		{"id": int64(3), "t": hour + 60, "price": int64(300), "city": "Lima"},
	}
	for _, rec := range recs {
		if err := r.Put(ctx, g, rec); err != nil {
			t.Fatal(err)
		}
		if err := r.Put(ctx, online, rec); err != nil {
			t.Fatal(err)
		}
	}
	n, err := srv.FlushOffline(ctx)
	if err != nil || n != 3 {
		t.Fatalf("FlushOffline = %d, %v; want 3 records", n, err)
	}
	if n, err := srv.FlushOffline(ctx); err != nil || n != 0 {
		t.Errorf("second FlushOffline = %d, %v; want 0", n, err)
	}

	prefix := strings.TrimPrefix(d.OfflineURI, "s3://"+bucket+"/")
	list, err := backend.ListBucket(bucket, nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var keys []string
	for _, c := range list.Contents {
		rel, ok := strings.CutPrefix(c.Key, prefix+"/")
		if !ok {
			t.Errorf("object %s is not under the resolved URI %s", c.Key, d.OfflineURI)
			continue
		}
		keys = append(keys, rel)
		obj, err := backend.GetObject(bucket, c.Key, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(obj.Contents)
		obj.Contents.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantKeys := []string{
		"year=2023/month=11/day=28/hour=05/20231128T050100Z_0000000000000001.parquet",
		"year=2023/month=11/day=28/hour=06/20231128T060000Z_0000000000000002.parquet",
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Fatalf("offline files (-want +got):\n%s", diff)
	}
	ds, err := dataset.ReadParquet(ctx, nil, []string{dir}, dataset.ParquetOptions{}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cols, err := ds.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []string{"id", "t", "price", "city", "write_time", "api_invocation_time", "is_deleted", "year", "month", "day", "hour"}
	if diff := cmp.Diff(wantCols, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	rows, err := ds.SelectColumns("id", "t", "price", "city", "is_deleted").Take(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []dataset.Row{
		{"id": int64(1), "t": hour + 1.5, "price": int64(100), "city": "Oslo", "is_deleted": false},
		{"id": int64(3), "t": hour + 60, "price": int64(300), "city": "Lima", "is_deleted": false},
		{"id": int64(2), "t": hour + 3600, "price": int64(200), "city": nil, "is_deleted": false},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("offline rows (-want +got):\n%s", diff)
	}
	if ps := srv.Problems(); len(ps) > 0 {
		t.Errorf("problems: %q", ps)
	}
}
