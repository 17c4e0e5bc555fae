package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/google/go-cmp/cmp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/sagemaker/featurestore"
	"github.com/sagepipe/sagepipe/sagemaker/sagemakertest"
)

// offlineLister wraps an S3 fake: from the second listing of an offline
// store on, it first has the loopback Feature Store write the records put
// so far to the offline store, as SageMaker does some minutes after the
// puts. The first listing finds nothing, so a step has to wait.
type offlineLister struct {
	next http.Handler
	srv  *sagemakertest.Server

	mu    sync.Mutex
	lists int
	err   error
}

func (h *offlineLister) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.Contains(r.URL.Query().Get("prefix"), "/offline-store/") {
		h.mu.Lock()
		h.lists++
		if h.lists >= 2 {
			if _, err := h.srv.FlushOffline(r.Context()); err != nil && h.err == nil {
				h.err = err
			}
		}
		h.mu.Unlock()
	}
	h.next.ServeHTTP(w, r)
}

// loopbackEnv is the environment of a container whose AWS calls go to
// srv: the loopback's static credentials, AWS_ENDPOINT_URL, and nothing
// from this machine's AWS configuration.
func loopbackEnv(url string) []string {
	cred := sagemakertest.Config().Credentials
	c, _ := cred.Retrieve(context.Background())
	return []string{
		"AWS_ENDPOINT_URL=" + url,
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey, "AWS_SESSION_TOKEN=",
		"AWS_PROFILE=", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// testFeatureStoreOnLoopback runs the -image pipeline's ingestion and
// preprocessing as SageMaker starts them, with the jobs of the local run
// ex (rooted at root), against the loopback SageMaker Feature Store and an
// S3 fake holding the default bucket. The ingestion creates the group and
// puts every row of the local run's feature group (the same values, to
// the byte, as ValueAsString), then waits until the offline store holds
// them; the preprocessing reads the offline store from S3 and writes the
// same bytes as the local run. Run again, the two steps still write those
// bytes, though the offline store then holds every record twice.
func testFeatureStoreOnLoopback(t *testing.T, s *Seed, root string, ex *pipeline.Execution) {
	ctx := ctxT(t)
	backend := s3mem.New()
	if err := backend.CreateBucket(s.Env.Bucket); err != nil {
		t.Fatal(err)
	}
	lister := &offlineLister{next: gofakes3.New(backend).Server()}
	srv := sagemakertest.New(lister)
	defer srv.Close()
	lister.srv = srv
	env := loopbackEnv(srv.URL)

	job, ml := processingTree(t, ex, "FeatureStoreIngestion")
	for _, in := range job.ProcessingInputs {
		download(t, root, in.S3Input.S3Uri, underML(ml, in.S3Input.LocalPath))
	}
	log := runProcessing(t, job, ml, env)
	if !strings.Contains(log, "offline store written") {
		t.Errorf("the ingestion did not wait for the offline store:\n%s", log)
	}
	lister.mu.Lock()
	lists := lister.lists
	lister.mu.Unlock()
	if lists < 2 {
		t.Errorf("the ingestion listed the offline store %d times, want a wait (2 or more)", lists)
	}
	group := paramDefault(t, s.FeatureGroupName)
	if n := srv.Count("CreateFeatureGroup"); n != 1 {
		t.Errorf("CreateFeatureGroup called %d times, want 1", n)
	}

	// The rows put are the local store's, value for value; only the
	// event time (each store's group creation time) differs.
	local := localRecords(t, ctx, mustStore(t, root, "s3://"+s.Env.Bucket+"/"+paramDefault(t, s.BucketPrefix)+"/"+offlineSuffix))
	put := srv.Records(group)
	events := map[string]bool{}
	for _, r := range put {
		events[r[eventTime]] = true
		delete(r, eventTime)
	}
	byID := func(a, b map[string]string) int {
		x, _ := strconv.Atoi(a[recordID])
		y, _ := strconv.Atoi(b[recordID])
		return x - y
	}
	slices.SortFunc(put, byID)
	slices.SortFunc(local, byID)
	if len(local) != 10000 {
		t.Errorf("the local store holds %d records, want 10000", len(local))
	}
	if diff := cmp.Diff(local, put); diff != "" {
		t.Errorf("records put (-local store +PutRecord):\n%s", diff)
	}
	if len(events) != 1 {
		t.Errorf("the records have %d event times, want one (the group's creation time)", len(events))
	}

	prep, pml := processingTree(t, ex, "PreprocessData")
	if len(prep.ProcessingInputs) != 0 {
		t.Errorf("PreprocessData has inputs %+v; it reads the feature group", prep.ProcessingInputs)
	}
	runProcessing(t, prep, pml, env)
	sameOutputs(t, root, prep, pml)

	// Run again, the ingestion finds the group and puts the same records
	// again, which the offline store keeps beside the first ones; the
	// preprocessing reads each record once.
	runProcessing(t, job, ml, env)
	if n, m := srv.Count("CreateFeatureGroup"), len(srv.Records(group)); n != 1 || m != 2*len(local) {
		t.Errorf("after a second ingestion: %d CreateFeatureGroup calls and %d records put, want 1 and %d", n, m, 2*len(local))
	}
	_, pml = processingTree(t, ex, "PreprocessData")
	log = runProcessing(t, prep, pml, env)
	if want := "repeated_records_dropped=" + strconv.Itoa(len(local)); !strings.Contains(log, want) {
		t.Errorf("the second preprocessing's log lacks %q:\n%s", want, log)
	}
	sameOutputs(t, root, prep, pml)
	lister.mu.Lock()
	defer lister.mu.Unlock()
	if lister.err != nil {
		t.Errorf("writing the offline store: %v", lister.err)
	}
	if ps := srv.Problems(); len(ps) > 0 {
		t.Errorf("the server found malformed requests: %q", ps)
	}
}

// localRecords reads the local offline store under dir as PutRecord sends
// records: feature name to ValueAsString, without the event time.
func localRecords(t *testing.T, ctx context.Context, dir string) []map[string]string {
	t.Helper()
	ds, err := dataset.ReadParquet(ctx, nil, []string{dir}, dataset.ParquetOptions{}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for row, err := range ds.DropColumns(bookkeeping[1:]...).Rows(ctx, dataset.IterOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		rec := map[string]string{}
		for k, v := range row {
			switch x := v.(type) {
			case int64:
				rec[k] = strconv.FormatInt(x, 10)
			case float64:
				rec[k] = strconv.FormatFloat(x, 'g', -1, 64)
			default:
				t.Fatalf("column %s: %T", k, v)
			}
		}
		out = append(out, rec)
	}
	return out
}

// paramDefault returns the default of a String parameter.
func paramDefault(t *testing.T, p params.Parameter) string {
	t.Helper()
	d, _ := p.Default()
	v, ok := d.(string)
	if !ok {
		t.Fatalf("parameter %s: default %v is not a string", p.Name(), d)
	}
	return v
}

// httptestServer serves h on loopback until the test ends and returns
// its URL.
func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestWaitOffline checks the wait for an offline store: files already
// there end it at once (fetched into the partition folders), files that
// appear later end it after some polls, and a store that stays empty
// ends it with an error naming the group and matching errOfflineTimeout,
// or with the context's error when cancelled.
func TestWaitOffline(t *testing.T) {
	const bucket = "store"
	const prefix = "fs/111122223333/sagemaker/us-east-1/offline-store/g-1/data"
	const key = prefix + "/year=2023/month=11/day=28/hour=05/20231128T050000Z_a.parquet"
	w := offlineWait{First: time.Millisecond, Max: 4 * time.Millisecond, Timeout: 200 * time.Millisecond}
	tests := []struct {
		name    string
		putAt   int // the poll before which the file is put; 0: never
		cancel  bool
		wantErr error
	}{
		{"after one poll", 1, false, nil},
		{"after three polls", 3, false, nil},
		{"never", 0, false, errOfflineTimeout},
		{"cancelled", 0, true, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backend := s3mem.New()
			if err := backend.CreateBucket(bucket); err != nil {
				t.Fatal(err)
			}
			fake := httptestServer(t, gofakes3.New(backend).Server())
			client := s3.NewFromConfig(sagemakertest.Config(), func(o *s3.Options) {
				o.BaseEndpoint, o.UsePathStyle = aws.String(fake), true
			})
			dir := t.TempDir()
			o, err := newOfflineFiles(client, "s3://"+bucket+"/"+prefix, dir)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(ctxT(t))
			defer cancel()
			polls := 0
			err = waitOffline(ctx, "g", o, w, "any record", func(ctx context.Context, files []string) (bool, error) {
				polls++
				if polls == tt.putAt {
					if _, err := backend.PutObject(bucket, key, nil, bytes.NewReader([]byte("PAR1")), 4, nil); err != nil {
						return false, err
					}
				}
				if tt.cancel && polls == 2 {
					cancel()
				}
				return len(o.seen) > 0, nil
			})
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("waitOffline = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "feature group g") {
					t.Errorf("error %q does not name the group", err)
				}
				return
			}
			if polls != tt.putAt+1 {
				t.Errorf("%d polls, want %d", polls, tt.putAt+1)
			}
			b, err := os.ReadFile(filepath.Join(dir, "year=2023", "month=11", "day=28", "hour=05", "20231128T050000Z_a.parquet"))
			if err != nil || string(b) != "PAR1" {
				t.Errorf("fetched file %q, %v", b, err)
			}
		})
	}
}

// TestFirstWrites checks that a read of an offline store keeps one row
// per record identifier and event time, the first written, and is left
// as it is without repeated records.
func TestFirstWrites(t *testing.T) {
	ctx := ctxT(t)
	row := func(id int64, et float64, wt, at string, price int64) dataset.Row {
		return dataset.Row{recordID: id, eventTime: et, "write_time": wt, "api_invocation_time": at, "PRICE": price}
	}
	rows := []dataset.Row{
		row(1, 10.5, "2023-11-28 05:00:02.000", "2023-11-28 05:00:00.001", 100),
		row(1, 10.5, "2023-11-28 05:00:01.000", "2023-11-28 05:00:00.002", 101),
		row(1, 11.5, "2023-11-28 05:00:03.000", "2023-11-28 05:00:00.003", 102),
		row(2, 10.5, "2023-11-28 05:00:01.000", "2023-11-28 05:00:00.004", 200),
		row(2, 10.5, "2023-11-28 05:00:01.000", "2023-11-28 05:00:00.004", 200),
		row(3, 10.5, "2023-11-28 05:00:01.000", "2023-11-28 05:00:00.006", 301),
		row(3, 10.5, "2023-11-28 05:00:01.000", "2023-11-28 05:00:00.005", 300),
	}
	ds, err := dataset.FromItems(nil, rows, dataset.Options{BlockRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	got, dropped, err := firstWrites(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := got.Take(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []dataset.Row{rows[1], rows[2], rows[3], rows[6]}
	if diff := cmp.Diff(want, kept); diff != "" || dropped != 3 {
		t.Errorf("firstWrites dropped %d rows, want 3; kept (-want +got):\n%s", dropped, diff)
	}
	once, err := dataset.FromItems(nil, []dataset.Row{rows[0], rows[2], rows[3]}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, dropped, err := firstWrites(ctx, once); got != once || dropped != 0 || err != nil {
		t.Errorf("firstWrites without repeats = %p, %d, %v; want the dataset itself", got, dropped, err)
	}
}

// TestEnsureGroup checks the ingestion's group: created when missing;
// when another job created it, left as it is and waited for while it is
// Creating; refused without an offline store.
func TestEnsureGroup(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/R"
	schema := dataset.NewSchema(dataset.Field{Name: "PRICE", Type: dataset.Int64}, dataset.Field{Name: "DECK", Type: dataset.Float64})
	g := seedGroup("houses", "s3://bucket/prefix", schema)
	tests := []struct {
		name     string
		existing *sm.CreateFeatureGroupInput // nil: no group yet
		wantDesc string
		wantErr  string
	}{
		{name: "missing", wantDesc: g.Description},
		{name: "made by another job", existing: createInput(g, "made before", true), wantDesc: "made before"},
		{name: "no offline store", existing: createInput(g, "online", false), wantErr: "feature group houses has no offline store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t)
			srv := sagemakertest.New(nil)
			defer srv.Close()
			cfg := sagemakertest.Config()
			if tt.existing != nil {
				api := sm.NewFromConfig(cfg, func(o *sm.Options) { o.BaseEndpoint = aws.String(srv.URL) })
				if _, err := api.CreateFeatureGroup(ctx, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			fs, err := featurestore.NewRemote(cfg, featurestore.WithEndpoint(srv.URL), featurestore.WithPolling(time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			svc := &featureService{fs: fs, wait: offlineWait{First: time.Millisecond, Max: 4 * time.Millisecond, Timeout: time.Minute}}
			d, err := svc.ensureGroup(ctx, g, role)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ensureGroup = %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != "Created" || d.Group.Description != tt.wantDesc || d.OfflineURI == "" {
				t.Errorf("ensureGroup = status %s, description %q, offline %q; want Created, %q and an offline store",
					d.Status, d.Group.Description, d.OfflineURI, tt.wantDesc)
			}
			if n := srv.Count("CreateFeatureGroup"); n != 1 {
				t.Errorf("CreateFeatureGroup called %d times, want 1", n)
			}
			// The loopback group is Creating for two descriptions; a
			// missing one is described once more, before it is created.
			want := 3
			if tt.existing == nil {
				want = 4
			}
			if n := srv.Count("DescribeFeatureGroup"); n != want {
				t.Errorf("DescribeFeatureGroup called %d times, want %d", n, want)
			}
			if ps := srv.Problems(); len(ps) > 0 {
				t.Errorf("problems: %q", ps)
			}
		})
	}
}

// createInput is the CreateFeatureGroup request of another job for g,
// with an offline store or an online one only.
func createInput(g featurestore.Group, desc string, offline bool) *sm.CreateFeatureGroupInput {
	in := &sm.CreateFeatureGroupInput{
		FeatureGroupName: aws.String(g.Name), RecordIdentifierFeatureName: aws.String(g.RecordIdentifier),
		EventTimeFeatureName: aws.String(g.EventTime), Description: aws.String(desc),
		OnlineStoreConfig: &smtypes.OnlineStoreConfig{EnableOnlineStore: aws.Bool(!offline)},
	}
	for _, f := range g.Features {
		in.FeatureDefinitions = append(in.FeatureDefinitions, smtypes.FeatureDefinition{
			FeatureName: aws.String(f.Name), FeatureType: smtypes.FeatureType(f.Type)})
	}
	if offline {
		in.RoleArn = aws.String("arn:aws:iam::111122223333:role/Other")
		in.OfflineStoreConfig = &smtypes.OfflineStoreConfig{S3StorageConfig: &smtypes.S3StorageConfig{S3Uri: aws.String(g.OfflineS3URI)}}
	}
	return in
}

// TestHostIDs checks that the copies of the ingestion on several
// instances give their records identifiers apart, and that one instance
// keeps 0, 1, 2, ...
func TestHostIDs(t *testing.T) {
	ctx := ctxT(t)
	ds, err := dataset.FromItems(nil, []dataset.Row{{recordID: int64(0)}, {recordID: int64(1)}, {recordID: int64(2)}}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if hostIDs(ds, 0, 1) != ds {
		t.Error("one instance: the identifiers changed")
	}
	for h, want := range [][]any{{int64(0), int64(3), int64(6)}, {int64(1), int64(4), int64(7)}, {int64(2), int64(5), int64(8)}} {
		got, err := hostIDs(ds, h, 3).Unique(ctx, recordID)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b any) int { return int(a.(int64) - b.(int64)) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("host %d of 3 (-want +got):\n%s", h, diff)
		}
	}
}
