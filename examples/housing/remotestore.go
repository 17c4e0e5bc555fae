package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/sagemaker/featurestore"
)

// In a SageMaker container (the -image pipeline on AWS) the feature-store
// steps use SageMaker Feature Store as the seed's scripts do: the
// ingestion creates the group if it is missing and puts every row with
// PutRecord, the preprocessing reads the group's offline store from S3.
// SageMaker writes the offline store on its own, within about 15 minutes
// of the puts, so both steps wait for it (see waitOffline).

// offlineWait bounds a wait for the offline store: the first poll's delay,
// doubled after each poll up to Max, and the whole wait's Timeout.
type offlineWait struct {
	First, Max, Timeout time.Duration
}

// defaultOfflineWait is twice the 15 minutes SageMaker documents for the
// offline store to be written, polled every 1 s at first, then up to
// every 30 s.
var defaultOfflineWait = offlineWait{First: time.Second, Max: 30 * time.Second, Timeout: 30 * time.Minute}

// errOfflineTimeout reports an offline store that did not get the records
// waited for in time.
var errOfflineTimeout = errors.New("the offline store was not written in time")

// objectStore is the part of the S3 API the steps read the offline store
// with; *s3.Client satisfies it.
type objectStore interface {
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// featureService is a container's SageMaker Feature Store and S3.
type featureService struct {
	fs   *featurestore.Remote
	s3   objectStore
	wait offlineWait
}

// connect returns the Feature Store and S3 clients of a job in region,
// with credentials from the AWS SDK's default chain (a SageMaker job's
// role). When AWS_ENDPOINT_URL is set (a VPC endpoint, or a test server),
// every call goes there, the feature store runtime's included, and S3 is
// addressed path-style.
func (s *impl) connect(ctx context.Context, region string, sys *actor.System) (*featureService, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	opts := []featurestore.RemoteOption{featurestore.WithSystem(sys)}
	endpoint := aws.ToString(cfg.BaseEndpoint)
	if endpoint != "" {
		opts = append(opts, featurestore.WithEndpoint(endpoint))
	}
	fs, err := featurestore.NewRemote(cfg, opts...)
	if err != nil {
		return nil, err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = endpoint != ""
		// The offline store's objects may carry no checksum; the step's
		// log need not say so for each one.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	w := s.wait
	if w == (offlineWait{}) {
		w = defaultOfflineWait
	}
	return &featureService{fs: fs, s3: client, wait: w}, nil
}

// place reads where a container's feature-store step runs from the
// seed's arguments: the role of --role_arn, the region of --region and
// the account the role belongs to.
func place(args scriptArgs) (role, region, account string, err error) {
	role, err1 := args.str("role_arn")
	region, err2 := args.str("region")
	if err := errors.Join(err1, err2); err != nil {
		return "", "", "", err
	}
	arn := strings.Split(role, ":")
	if len(arn) < 6 || arn[0] != "arn" || arn[2] != "iam" || arn[4] == "" {
		return "", "", "", fmt.Errorf("argument --role_arn: %q is not an IAM role ARN", role)
	}
	return role, region, arn[4], nil
}

// ingestRemote is the ingestion in a SageMaker container: as the seed's
// script, it creates the feature group name if it is missing (running as
// --role_arn), with its offline store under prefix in the default bucket
// sagemaker-<region>-<account>, and puts every row of ds from actors;
// then it waits until the offline store holds every record it put, so
// that the next step reads them all.
func (s *impl) ingestRemote(ctx context.Context, job *local.ProcessingJob, args scriptArgs, name, prefix string, actors int, ds *dataset.Dataset) error {
	role, region, account, err := place(args)
	if err != nil {
		return err
	}
	schema, err := ds.Schema(ctx)
	if err != nil {
		return err
	}
	svc, err := s.connect(ctx, region, job.System)
	if err != nil {
		return fmt.Errorf("feature group %s: %w", name, err)
	}
	offline := "s3://sagemaker-" + region + "-" + account + "/" + strings.Trim(prefix, "/") + "/" + offlineSuffix
	d, err := svc.ensureGroup(ctx, seedGroup(name, offline, schema), role)
	if err != nil {
		return err
	}
	// As locally, the records carry the group's creation time: a re-run
	// puts the same records.
	ds, err = featurestore.Identify(ctx, ds, recordID, eventTime, d.Created)
	if err != nil {
		return err
	}
	host, hosts := max(slices.Index(job.Hosts, job.CurrentHost), 0), max(len(job.Hosts), 1)
	ds = hostIDs(ds, host, hosts)
	rep, err := svc.fs.Ingest(ctx, d.Group, ds, actors)
	if err != nil {
		return fmt.Errorf("feature group %s: %w", name, err)
	}
	job.Log.Info("ingested", "feature_group", name, "written", rep.Written, "actors", actors, "offline_store", d.OfflineURI)
	want := make(map[int64]bool, rep.Written)
	for i := range int64(rep.Written) {
		want[i*int64(hosts)+int64(host)] = true
	}
	et := float64(d.Created.UnixNano()) / 1e9
	tmp, err := os.MkdirTemp("", "offline-store-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	o, err := newOfflineFiles(svc.s3, d.OfflineURI, tmp)
	if err != nil {
		return fmt.Errorf("feature group %s: %w", name, err)
	}
	what := fmt.Sprintf("the %d records put", rep.Written)
	err = waitOffline(ctx, name, o, svc.wait, what, func(ctx context.Context, files []string) (bool, error) {
		if len(files) > 0 {
			if err := dropStored(ctx, job.System, files, want, et); err != nil {
				return false, err
			}
		}
		return len(want) == 0, nil
	})
	if err != nil {
		return err
	}
	job.Log.Info("offline store written", "feature_group", name, "files", len(o.seen))
	return nil
}

// hostIDs keeps the record identifiers of the copies of a job on several
// instances apart (each numbers its share of the rows from 0): the copy
// on the host at index h of n gives its i-th row the identifier i*n + h.
// On one instance the identifiers stay 0, 1, 2, ... as in a local run.
func hostIDs(ds *dataset.Dataset, h, n int) *dataset.Dataset {
	if n <= 1 {
		return ds
	}
	return ds.MapBatches(func(ctx context.Context, b *dataset.Block) (*dataset.Block, error) {
		c, err := b.ColumnByName(recordID)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, c.Len())
		for i, id := range c.Int64s() {
			ids[i] = id*int64(n) + int64(h)
		}
		return b.WithColumn(recordID, dataset.NewInt64Column(ids, nil))
	}, dataset.BatchOptions{})
}

// dropStored removes from want the record identifiers that the offline
// files hold with event time et.
func dropStored(ctx context.Context, sys *actor.System, files []string, want map[int64]bool, et float64) error {
	ds, err := dataset.ReadParquet(ctx, sys, files, dataset.ParquetOptions{
		ReadOptions: dataset.ReadOptions{Columns: []string{recordID, eventTime}}}, dataset.Options{})
	if err != nil {
		return err
	}
	for b, err := range ds.Blocks(ctx) {
		if err != nil {
			return err
		}
		ids, err1 := b.ColumnByName(recordID)
		ets, err2 := b.ColumnByName(eventTime)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		for i := range b.NumRows() {
			id, ok1 := ids.Value(i).(int64)
			t, ok2 := ets.Value(i).(float64)
			if ok1 && ok2 && t == et {
				delete(want, id)
			}
		}
	}
	return nil
}

// ensureGroup returns the description of the group g.Name, creating g
// (running as role) and waiting until it is Created if it does not
// exist: as the seed's script, it leaves an existing group as it is. A
// group another job is creating is waited for, polled as f.wait says.
func (f *featureService) ensureGroup(ctx context.Context, g featurestore.Group, role string) (featurestore.Description, error) {
	d, err := f.fs.Describe(ctx, g.Name)
	if apiCode(err) == "ResourceNotFound" {
		d, err = f.fs.Create(ctx, g, role)
		if apiCode(err) != "ResourceInUse" {
			return d, err
		}
		// Another instance of the job created it first.
		d, err = f.fs.Describe(ctx, g.Name)
	}
	deadline := time.Now().Add(f.wait.Timeout)
	for delay := f.wait.First; err == nil && d.Status == "Creating"; delay = min(2*delay, f.wait.Max) {
		if time.Now().After(deadline) {
			return d, fmt.Errorf("feature group %s: still Creating after %v", g.Name, f.wait.Timeout)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return d, fmt.Errorf("feature group %s: wait until it is created: %w", g.Name, ctx.Err())
		case <-t.C:
		}
		d, err = f.fs.Describe(ctx, g.Name)
	}
	if err != nil {
		return d, err
	}
	if d.Status != "Created" {
		return d, fmt.Errorf("feature group %s: status %s %s", g.Name, d.Status, d.FailureReason)
	}
	if d.OfflineURI == "" {
		return d, fmt.Errorf("feature group %s has no offline store", g.Name)
	}
	return d, nil
}

// apiCode returns the service's error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// fetchOffline is the preprocessing's read of the offline store in a
// SageMaker container: it resolves the group's offline store URI, waits
// until the store holds records (the ingestion has waited for all of its
// own), and fetches the store's parquet files, in their partition
// folders, into a temporary directory that cleanup removes.
func (s *impl) fetchOffline(ctx context.Context, job *local.ProcessingJob, args scriptArgs, name string) (dir string, cleanup func(), err error) {
	_, region, _, err := place(args)
	if err != nil {
		return "", nil, err
	}
	svc, err := s.connect(ctx, region, job.System)
	if err != nil {
		return "", nil, fmt.Errorf("feature group %s: %w", name, err)
	}
	uri, err := svc.fs.OfflineURI(ctx, name)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "offline-store-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	o, err := newOfflineFiles(svc.s3, uri, tmp)
	if err == nil {
		err = waitOffline(ctx, name, o, svc.wait, "any record", func(context.Context, []string) (bool, error) {
			return len(o.seen) > 0, nil
		})
	}
	if err != nil {
		cleanup()
		return "", nil, err
	}
	job.Log.Info("offline store fetched", "feature_group", name, "uri", uri, "files", len(o.seen))
	return tmp, cleanup, nil
}

// offlineFiles follows a group's offline store in S3: each fetch lists the
// parquet objects under the store's URI and downloads those not yet
// fetched into dir, at their paths under the URI (the year=/month=/day=/
// hour= partition folders).
type offlineFiles struct {
	s3             objectStore
	bucket, prefix string
	dir            string
	seen           map[string]bool
}

func newOfflineFiles(client objectStore, uri, dir string) (*offlineFiles, error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return nil, fmt.Errorf("offline store: bad S3 URI %q", uri)
	}
	if prefix = strings.TrimSuffix(prefix, "/"); prefix != "" {
		prefix += "/"
	}
	return &offlineFiles{s3: client, bucket: bucket, prefix: prefix, dir: dir, seen: map[string]bool{}}, nil
}

// fetch downloads the parquet objects not fetched before and returns
// their local paths.
func (o *offlineFiles) fetch(ctx context.Context) ([]string, error) {
	var files []string
	pages := s3.NewListObjectsV2Paginator(o.s3, &s3.ListObjectsV2Input{Bucket: &o.bucket, Prefix: &o.prefix})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return files, fmt.Errorf("list s3://%s/%s: %w", o.bucket, o.prefix, err)
		}
		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			rel := strings.TrimPrefix(key, o.prefix)
			if o.seen[key] || !strings.HasSuffix(key, ".parquet") || slices.Contains(strings.Split(rel, "/"), "..") {
				continue
			}
			path := filepath.Join(o.dir, filepath.FromSlash(rel))
			if err := o.get(ctx, key, path); err != nil {
				return files, err
			}
			o.seen[key] = true
			files = append(files, path)
		}
	}
	return files, nil
}

// get downloads the object key to path.
func (o *offlineFiles) get(ctx context.Context, key, path string) error {
	out, err := o.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &o.bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("get s3://%s/%s: %w", o.bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return fmt.Errorf("get s3://%s/%s: %w", o.bucket, key, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o644)
}

// waitOffline fetches the offline store of group until done, given the
// files each fetch brought, says it holds what the caller waits for
// (what names it in the error): polling as w says, until ctx ends or the
// wait times out with an error matching errOfflineTimeout.
func waitOffline(ctx context.Context, group string, o *offlineFiles, w offlineWait, what string,
	done func(ctx context.Context, files []string) (bool, error)) error {
	deadline := time.Now().Add(w.Timeout)
	delay := w.First
	for {
		files, err := o.fetch(ctx)
		if err != nil {
			return fmt.Errorf("feature group %s: offline store: %w", group, err)
		}
		ok, err := done(ctx, files)
		if err != nil {
			return fmt.Errorf("feature group %s: offline store: %w", group, err)
		}
		if ok {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("feature group %s: the offline store s3://%s/%s does not hold %s after %v (%d files fetched): %w",
				group, o.bucket, o.prefix, what, w.Timeout, len(o.seen), errOfflineTimeout)
		}
		t := time.NewTimer(min(delay, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("feature group %s: wait for the offline store to hold %s: %w", group, what, ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, w.Max)
	}
}

// firstWrites returns ds, a read of an offline store, with one row per
// record (identifier and event time): the one written first (least
// write_time, then api_invocation_time). SageMaker's offline store keeps
// every put, so an ingestion run again puts its records again, while the
// local store skips a record it holds: keeping the first write reads
// both stores alike. It returns ds itself when no record is there twice,
// and how many rows it dropped.
func firstWrites(ctx context.Context, ds *dataset.Dataset) (*dataset.Dataset, int, error) {
	type write struct{ wt, at any }
	first := map[string]write{}
	dups := 0
	cols := []string{recordID, eventTime, featurestore.WriteTime, featurestore.APIInvocationTime}
	for b, err := range ds.SelectColumns(cols...).Blocks(ctx) {
		if err != nil {
			return nil, 0, err
		}
		for i := range b.NumRows() {
			r := b.Row(i)
			k, w := recordKey(r), write{r[featurestore.WriteTime], r[featurestore.APIInvocationTime]}
			held, ok := first[k]
			if ok {
				dups++
			}
			if !ok || before(w.wt, held.wt) || (equal(w.wt, held.wt) && before(w.at, held.at)) {
				first[k] = w
			}
		}
	}
	if dups == 0 {
		return ds, 0, nil
	}
	var mu sync.Mutex
	taken := make(map[string]bool, len(first))
	return ds.Filter(func(r dataset.Row) (bool, error) {
		k := recordKey(r)
		w := first[k]
		if !equal(r[featurestore.WriteTime], w.wt) || !equal(r[featurestore.APIInvocationTime], w.at) {
			return false, nil
		}
		mu.Lock()
		defer mu.Unlock()
		if taken[k] {
			return false, nil
		}
		taken[k] = true
		return true, nil
	}), dups, nil
}

// recordKey is the identity of a record in an offline store row.
func recordKey(r dataset.Row) string {
	return fmt.Sprint(r[recordID]) + "\x00" + fmt.Sprint(r[eventTime])
}

// before orders two values of an offline store's time column, whichever
// type the reader gives it.
func before(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x < y
	case int64:
		y, ok := b.(int64)
		return ok && x < y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Before(y)
	}
	return false
}

func equal(a, b any) bool { return !before(a, b) && !before(b, a) }
