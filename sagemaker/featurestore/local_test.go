package featurestore

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/dataset"
)

// housingCSV is the seed's data set, beside the repository.
func housingCSV(t *testing.T) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "housing", "house_pricing.csv")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the seed's housing data is not at %s: %v", p, err)
	}
	return p
}

var housingColumns = []string{"PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS", "LOT_ACRES", "GARAGE_SPACES", "FRONT_PORCH", "DECK"}

// housingGroup is the seed's feature group: record_id and event_time, PRICE
// Integral and the other columns Fractional.
func housingGroup() Group {
	g := Group{
		Name:             "fs-ray-synthetic-housing-data",
		RecordIdentifier: "record_id",
		EventTime:        "event_time",
		Features:         []Feature{{"record_id", Integral}, {"event_time", Fractional}},
		Online:           true,
		OfflineS3URI:     "s3://sagemaker-us-east-1-111122223333/aws-ray-mlops-workshop/feature-store/synthetic-housing-price-data",
	}
	for _, c := range housingColumns {
		t := Fractional
		if c == "PRICE" {
			t = Integral
		}
		g.Features = append(g.Features, Feature{c, t})
	}
	return g
}

var ingestTime = time.Date(2023, 11, 28, 5, 12, 34, 0, time.UTC)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// readCSV reads a housing CSV with the group's types.
func readCSV(t *testing.T, path string, types map[string]dataset.Type) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.ReadCSV(testCtx(t), nil, []string{path}, dataset.CSVOptions{ColumnTypes: types}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func housingTypes() map[string]dataset.Type {
	m := map[string]dataset.Type{}
	for _, c := range housingColumns {
		m[c] = dataset.Float64
	}
	m["PRICE"] = dataset.Int64
	return m
}

func rows(t *testing.T, ds *dataset.Dataset) []dataset.Row {
	t.Helper()
	var out []dataset.Row
	for r, err := range ds.Rows(testCtx(t), dataset.IterOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// readBack reads the offline store with dataset.ReadParquet and returns
// its rows in record_id order without the bookkeeping columns, and the
// identifiers in the order read.
func readBack(t *testing.T, l *Local) ([]dataset.Row, []int64) {
	t.Helper()
	ds, err := dataset.ReadParquet(testCtx(t), nil, []string{l.OfflineDir()}, dataset.ParquetOptions{}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := rows(t, ds)
	var ids []int64
	for _, r := range all {
		ids = append(ids, r["record_id"].(int64))
		if r[IsDeleted] != false || r[WriteTime] == nil || r[APIInvocationTime] == nil {
			t.Fatalf("bookkeeping of %v", r)
		}
		for _, c := range append([]string{"record_id", "event_time"}, Bookkeeping...) {
			if _, ok := r[c]; !ok {
				t.Fatalf("column %s missing from %v", c, r)
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i]["record_id"].(int64) < all[j]["record_id"].(int64) })
	for _, r := range all {
		for _, c := range append([]string{"record_id", "event_time"}, Bookkeeping...) {
			delete(r, c)
		}
	}
	return all, ids
}

func TestIngestHousingReadsBackExactly(t *testing.T) {
	ctx := testCtx(t)
	orig := readCSV(t, housingCSV(t), housingTypes())
	want := rows(t, orig)
	if len(want) != 10000 {
		t.Fatalf("%d housing rows", len(want))
	}
	ds, err := Identify(ctx, orig, "record_id", "event_time", ingestTime)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	l, err := OpenLocal(ctx, root, housingGroup(), LocalOptions{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.Ingest(ctx, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != 10000 || rep.Skipped != 0 || len(rep.Rejected) != 0 || len(rep.Files) != 10 {
		t.Fatalf("report: written %d skipped %d rejected %d files %d", rep.Written, rep.Skipped, len(rep.Rejected), len(rep.Files))
	}
	layout := regexp.MustCompile(`^sagemaker-us-east-1-111122223333/aws-ray-mlops-workshop/feature-store/synthetic-housing-price-data/111122223333/sagemaker/us-east-1/offline-store/fs-ray-synthetic-housing-data-\d+/data/year=2023/month=11/day=28/hour=05/20231128T051234Z_[a-z0-9]{16}\.parquet$`)
	for _, f := range rep.Files {
		rel, _ := filepath.Rel(root, f)
		if !layout.MatchString(filepath.ToSlash(rel)) {
			t.Errorf("file %s is not in SageMaker's layout", rel)
		}
	}
	if !strings.HasPrefix(l.OfflineURI(), "s3://sagemaker-us-east-1-111122223333/aws-ray-mlops-workshop/feature-store/synthetic-housing-price-data/111122223333/sagemaker/us-east-1/offline-store/fs-ray-synthetic-housing-data-") {
		t.Errorf("OfflineURI = %s", l.OfflineURI())
	}

	got, ids := readBack(t, l)
	if len(got) != len(want) {
		t.Fatalf("read back %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !maps.Equal(want[i], got[i]) {
			t.Fatalf("row %d read back differs from the CSV (-want +got):\n%s", i, cmp.Diff(want[i], got[i]))
		}
	}
	if len(ids) != 10000 {
		t.Errorf("%d records stored", len(ids))
	}

	// Online: the latest record per identifier.
	r, ok := l.Get("42")
	if !ok {
		t.Fatal("record 42 is not online")
	}
	wantRec := Record{"record_id": int64(42), "event_time": float64(ingestTime.Unix())}
	for k, v := range want[42] {
		wantRec[k] = v
	}
	if diff := cmp.Diff(wantRec, r); diff != "" {
		t.Errorf("Get(42) (-want +got):\n%s", diff)
	}
	found, missing := l.BatchGet("1", "99999", "2")
	if len(found) != 2 || found[0]["record_id"] != int64(1) || found[1]["record_id"] != int64(2) || !cmp.Equal(missing, []string{"99999"}) {
		t.Errorf("BatchGet = %v, %v", found, missing)
	}

	// Running the ingestion again writes nothing.
	rep, err = l.Ingest(ctx, ds, 10)
	if err != nil || rep.Written != 0 || rep.Skipped != 10000 || len(rep.Files) != 0 {
		t.Errorf("second run: %+v, %v", rep, err)
	}
}

func TestInterruptedIngestionRerun(t *testing.T) {
	ctx := testCtx(t)
	ds, err := Identify(ctx, readCSV(t, housingCSV(t), housingTypes()), "record_id", "event_time", ingestTime)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	l, err := OpenLocal(ctx, root, housingGroup(), LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The ingestion dies after four of its ten files.
	kill := errors.New("killed")
	var n atomic.Int32
	l.beforeFile = func(string) error {
		if n.Add(1) > 4 {
			return kill
		}
		return nil
	}
	if _, err := l.Ingest(ctx, ds, 10); !errors.Is(err, kill) {
		t.Fatalf("err = %v, want the kill", err)
	}
	_, ids := readBack(t, l)
	if len(ids) != 4000 {
		t.Fatalf("%d records survived the kill, want 4 whole files", len(ids))
	}

	// A new process opens the store and runs the ingestion again.
	l2, err := OpenLocal(ctx, root, housingGroup(), LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l2.Ingest(ctx, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != 6000 || rep.Skipped != 4000 {
		t.Errorf("re-run wrote %d, skipped %d", rep.Written, rep.Skipped)
	}
	_, ids = readBack(t, l2)
	seen := map[int64]int{}
	for _, id := range ids {
		seen[id]++
	}
	for id := range int64(10000) {
		if seen[id] != 1 {
			t.Fatalf("record %d stored %d times", id, seen[id])
		}
	}
	if len(ids) != 10000 {
		t.Errorf("%d records stored", len(ids))
	}
}

func TestMalformedRowReportedWithLine(t *testing.T) {
	ctx := testCtx(t)
	src, err := os.ReadFile(housingCSV(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")[:21] // header and 20 rows
	f := strings.Split(lines[6], ",")              // line 7
	f[0] = "oops"
	lines[6] = strings.Join(f, ",")
	path := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	types := housingTypes()
	delete(types, "PRICE") // inferred as strings because of the bad value
	ds, err := Identify(ctx, readCSV(t, path, types), "record_id", "event_time", ingestTime)
	if err != nil {
		t.Fatal(err)
	}
	l, err := OpenLocal(ctx, t.TempDir(), housingGroup(), LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.Ingest(ctx, ds, 3)
	var me *MalformedError
	if !errors.Is(err, ErrMalformed) || !errors.As(err, &me) || len(me.Rows) != 1 {
		t.Fatalf("err = %v, want one malformed row", err)
	}
	if r := me.Rows[0]; r.Line != 7 || r.Row != 5 || r.Feature != "PRICE" || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("reported %+v (%v)", r, err)
	}
	if rep.Written != 19 {
		t.Errorf("wrote %d of 20 rows", rep.Written)
	}
	_, ids := readBack(t, l)
	for _, id := range ids {
		if id == 5 {
			t.Error("the malformed row was written")
		}
	}
	if _, ok := l.Get("5"); ok {
		t.Error("the malformed row is online")
	}
}

func TestDeleteAndReopen(t *testing.T) {
	ctx := testCtx(t)
	g := Group{Name: "people", RecordIdentifier: "id", EventTime: "ts", Online: true, OfflineS3URI: "s3://bucket/fs",
		Features: []Feature{{"id", String}, {"ts", String}, {"age", Integral}, {"score", Fractional}}}
	root := t.TempDir()
	clock := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	l, err := OpenLocal(ctx, root, g, LocalOptions{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.FromItems(nil, []dataset.Row{
		{"id": "a", "ts": "2024-03-01T09:00:00Z", "age": int64(30), "score": 1.5},
		{"id": "a", "ts": "2024-03-01T08:00:00Z", "age": int64(29), "score": 1.0}, // older: offline only
		{"id": "b", "ts": "2024-03-01T09:30:00.250Z", "age": nil, "score": 2.0},
	}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.Ingest(ctx, ds, 2)
	if err != nil || rep.Written != 3 {
		t.Fatalf("ingest: %+v, %v", rep, err)
	}
	if r, ok := l.Get("a"); !ok || r["age"] != int64(30) {
		t.Errorf("Get(a) = %v, %v; want the latest record", r, ok)
	}
	if r, ok := l.Get("b"); !ok || r["age"] != nil || r["score"] != 2.0 {
		t.Errorf("Get(b) = %v, %v", r, ok)
	}
	if err := l.Delete(ctx, "a", time.Date(2024, 3, 1, 9, 45, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Get("a"); ok {
		t.Error("a is still online after Delete")
	}
	l2, err := OpenLocal(ctx, root, g, LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l2.sortedIDs(); !cmp.Equal(got, []string{"b"}) {
		t.Errorf("online after reopening: %q", got)
	}
	ds2, err := dataset.ReadParquet(ctx, nil, []string{l2.OfflineDir()}, dataset.ParquetOptions{}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for _, r := range rows(t, ds2) {
		if r[IsDeleted] == true {
			deleted++
		}
	}
	if deleted != 1 {
		t.Errorf("%d deletion records offline", deleted)
	}
}

func TestGroupValidate(t *testing.T) {
	g := housingGroup()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Group)
		want string
	}{
		{"no identifier", func(g *Group) { g.RecordIdentifier = "nope" }, `record identifier "nope" is not a feature`},
		{"fractional identifier", func(g *Group) { g.RecordIdentifier = "LOT_ACRES" }, "must be Integral or String"},
		{"integral event time", func(g *Group) { g.EventTime = "PRICE" }, "must be Fractional or String"},
		{"reserved", func(g *Group) { g.Features = append(g.Features, Feature{"write_time", String}) }, "reserved"},
		{"duplicate", func(g *Group) { g.Features = append(g.Features, Feature{"DECK", String}) }, "defined twice"},
		{"bad type", func(g *Group) { g.Features[3].Type = "Double" }, `has type "Double"`},
		{"no store", func(g *Group) { g.Online, g.OfflineS3URI = false, "" }, "neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := housingGroup()
			g.Features = append([]Feature(nil), g.Features...)
			tc.edit(&g)
			err := g.Validate()
			if !errors.Is(err, ErrGroup) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
