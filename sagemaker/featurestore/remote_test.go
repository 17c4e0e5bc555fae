package featurestore

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/sagemaker/internal/smfake"
)

const testRole = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-EXAMPLE"

func newRemote(t *testing.T) (*Remote, *smfake.Server) {
	t.Helper()
	srv := smfake.New(nil)
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:      smfake.Region,
		Credentials: credentials.NewStaticCredentialsProvider(smfake.AccessKey, smfake.SecretKey, ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.NewExponentialJitterBackoff(5 * time.Millisecond)
			})
		},
	}
	r, err := NewRemote(cfg, WithEndpoint(srv.URL), WithPolling(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if ps := srv.Problems(); len(ps) > 0 {
			t.Errorf("fixture checks failed: %q", ps)
		}
	})
	return r, srv
}

func TestRemoteGroupLifecycle(t *testing.T) {
	r, srv := newRemote(t)
	ctx := testCtx(t)
	g := housingGroup()
	d, err := r.Create(ctx, g, testRole)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "Created" || srv.Count("DescribeFeatureGroup") != 3 {
		t.Errorf("status %s after %d describes, want Created after the group was Creating twice", d.Status, srv.Count("DescribeFeatureGroup"))
	}
	if diff := cmp.Diff(g, d.Group); diff != "" {
		t.Errorf("described group (-want +got):\n%s", diff)
	}
	uri, err := r.OfflineURI(ctx, g.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(g.OfflineS3URI) + `/111122223333/sagemaker/us-east-1/offline-store/fs-ray-synthetic-housing-data-\d+/data$`).MatchString(uri) {
		t.Errorf("OfflineURI = %s", uri)
	}

	_, err = r.Create(ctx, g, testRole)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceInUse" || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("creating twice: %v", err)
	}
	if err := r.Delete(ctx, g.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Describe(ctx, g.Name); err == nil {
		t.Error("described a deleted group")
	}
}

func TestRemoteRecords(t *testing.T) {
	r, srv := newRemote(t)
	ctx := testCtx(t)
	g := housingGroup()
	if _, err := r.Create(ctx, g, testRole); err != nil {
		t.Fatal(err)
	}
	rec := func(id int64, et float64, price int64) Record {
		return Record{"record_id": id, "event_time": et, "PRICE": price, "YEAR_BUILT": 2008.0, "SQUARE_FEET": 3063.6599637506733}
	}
	for _, x := range []Record{rec(7, 1700000000.5, 100), rec(7, 1600000000, 50), rec(8, 1700000000, 80)} {
		if err := r.Put(ctx, g, x); err != nil {
			t.Fatal(err)
		}
	}
	srv.Throttle("GetRecord", 2)
	got, err := r.Get(ctx, g, "7")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec(7, 1700000000.5, 100), got); diff != "" {
		t.Errorf("Get(7) (-want +got):\n%s", diff)
	}
	if n := srv.Count("GetRecord"); n != 3 {
		t.Errorf("GetRecord sent %d times, want 3 (two throttled)", n)
	}
	if _, err := r.Get(ctx, g, "9"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(9): %v", err)
	}
	if err := r.DeleteRecord(ctx, g, "8", time.Unix(1700000001, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(ctx, g, "8"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(8) after delete: %v", err)
	}
	if len(srv.Records(g.Name)) != 2 {
		t.Errorf("records held: %v", srv.Records(g.Name))
	}

	// Checked before any call.
	calls := len(srv.Calls())
	for _, bad := range []Record{
		{"record_id": int64(1), "event_time": 1.0, "PRICE": "cheap"},
		{"record_id": int64(1), "event_time": 1.0, "COLOR": "red"},
		{"event_time": 1.0},
	} {
		if err := r.Put(ctx, g, bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("Put(%v): %v", bad, err)
		}
	}
	if len(srv.Calls()) != calls {
		t.Error("a malformed record was sent")
	}
	// The service's message comes back whole.
	other := g
	other.Name = "missing-group"
	err = r.Put(ctx, other, rec(1, 1, 1))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Message != "Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name missing-group" {
		t.Errorf("Put to a missing group: %v", err)
	}
}

func TestRemoteCreateCancelled(t *testing.T) {
	r, _ := newRemote(t)
	r.poll = time.Hour
	ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancel()
	if _, err := r.Create(ctx, housingGroup(), testRole); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the deadline", err)
	}
}

// The seed's ingestion against the service: rows spread over ten actors,
// each putting its part record by record.
func TestRemoteIngestHousing(t *testing.T) {
	r, srv := newRemote(t)
	ctx := testCtx(t)
	g := housingGroup()
	if _, err := r.Create(ctx, g, testRole); err != nil {
		t.Fatal(err)
	}
	const n = 1000 // every put is a signed HTTP round trip; the local test takes all 10,000
	orig := readCSV(t, housingCSV(t), housingTypes()).Limit(n)
	want := rows(t, orig)
	ds, err := Identify(ctx, orig, "record_id", "event_time", ingestTime)
	if err != nil {
		t.Fatal(err)
	}
	srv.Throttle("PutRecord", 3)
	rep, err := r.Ingest(ctx, g, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != n || len(rep.Failed) != 0 || len(rep.Rejected) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	held := srv.Records(g.Name)
	if len(held) != n {
		t.Fatalf("the service holds %d records", len(held))
	}
	got, err := r.Get(ctx, g, "123")
	if err != nil {
		t.Fatal(err)
	}
	wantRec := Record{"record_id": int64(123), "event_time": float64(ingestTime.Unix())}
	for k, v := range want[123] {
		wantRec[k] = v
	}
	if diff := cmp.Diff(wantRec, got); diff != "" {
		t.Errorf("record 123 (-want +got):\n%s", diff)
	}
}
