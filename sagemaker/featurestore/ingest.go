package featurestore

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
)

// row is a validated record and its place in the input.
type row struct {
	rec Record
	n   int // 0-based row number in the dataset
}

// RowError is a row of the input that does not fit the group: it is
// reported and nothing is written for it.
type RowError struct {
	// Row is the row's 0-based number in the dataset; Line is its line in
	// a CSV file with a header row and one line per record (Row + 2).
	Row, Line int
	// Feature names the offending feature; empty for a record the
	// service refused.
	Feature string
	Err     error
}

// Error names the line, the feature and the problem.
func (e *RowError) Error() string {
	if e.Feature == "" {
		return fmt.Sprintf("featurestore: line %d (row %d): %v", e.Line, e.Row, e.Err)
	}
	return fmt.Sprintf("featurestore: line %d (row %d): feature %q: %v", e.Line, e.Row, e.Feature, e.Err)
}

// Unwrap returns the problem.
func (e *RowError) Unwrap() error { return e.Err }

// Is matches ErrMalformed.
func (e *RowError) Is(target error) bool { return target == ErrMalformed }

// MalformedError lists the rows an ingestion left out.
type MalformedError struct{ Rows []*RowError }

// Error names the first rows.
func (e *MalformedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "featurestore: %d malformed rows left out", len(e.Rows))
	for i, r := range e.Rows {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; ")
		b.WriteString(strings.TrimPrefix(r.Error(), "featurestore: "))
	}
	return b.String()
}

// Is matches ErrMalformed.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// Unwrap returns the row errors.
func (e *MalformedError) Unwrap() []error {
	out := make([]error, len(e.Rows))
	for i, r := range e.Rows {
		out[i] = r
	}
	return out
}

// IngestReport says what an ingestion did.
type IngestReport struct {
	// Written counts the records written; Skipped those already stored
	// (same identifier and event time, from an earlier run or earlier in
	// the input); Rejected lists the malformed rows.
	Written, Skipped int
	Rejected         []*RowError
	// Failed lists the records the service refused (Remote.Ingest).
	Failed []*RowError
	// Files are the offline files written.
	Files []string
}

// Ingest writes every row of ds as a record, as the seed's ingestion
// does: the rows are cut into numActors contiguous parts and each part is
// written by its own actor. (The seed's actors ask for half a CPU each;
// these ask for none, since they wait on files, so that ten of them fit a
// small System.) ds must have a column for each feature and no
// other. A row that does not fit the features (a missing identifier or
// event time, a value of the wrong type) is reported with its line and
// left out, and the error is then a *MalformedError after every good row
// is written. Each offline file is written whole or not at all, and a row
// whose identifier and event time are already stored is skipped, so an
// ingestion that was interrupted can be run again: no record is lost or
// stored twice.
func (l *Local) Ingest(ctx context.Context, ds *dataset.Dataset, numActors int) (IngestReport, error) {
	var rep IngestReport
	if numActors < 1 {
		return rep, fmt.Errorf("featurestore: ingest into %s: %d actors", l.g.Name, numActors)
	}
	l.ingest.Lock()
	defer l.ingest.Unlock()
	l.mu.Lock()
	seen := make(map[string]bool, len(l.keys))
	for k := range l.keys {
		seen[k] = true
	}
	l.mu.Unlock()
	rows, rejected, skipped, err := validate(ctx, l.g, ds, seen)
	if err != nil {
		return rep, err
	}
	rep.Rejected, rep.Skipped = rejected, skipped

	sys := l.opts.System
	if sys == nil {
		sys, err = actor.NewSystem(actor.Config{CPUs: float64(runtime.NumCPU())})
		if err != nil {
			return rep, err
		}
		defer sys.Shutdown(context.WithoutCancel(ctx))
	}
	type writer struct{ l *Local }
	type done struct {
		files   []string
		written int
	}
	futures := make([]*actor.Future[done], 0, numActors)
	var handles []*actor.Handle[writer]
	defer func() {
		for _, h := range handles {
			h.Kill()
		}
	}()
	invoked := l.now()
	for i := range numActors {
		part := rows[i*len(rows)/numActors : (i+1)*len(rows)/numActors]
		h, err := actor.Spawn(ctx, sys, func(context.Context) (*writer, error) { return &writer{l}, nil },
			actor.Options{})
		if err != nil {
			return rep, fmt.Errorf("featurestore: ingest into %s: %w", l.g.Name, err)
		}
		handles = append(handles, h)
		futures = append(futures, actor.Call(h, func(ctx context.Context, w *writer) (done, error) {
			files, err := w.l.writePart(ctx, part, invoked)
			return done{files, len(part)}, err
		}))
	}
	var errs []error
	for _, f := range futures {
		d, err := f.Get(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Files = append(rep.Files, d.files...)
		rep.Written += d.written
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("featurestore: ingest into %s: %w", l.g.Name, err)
	}
	if len(rejected) > 0 {
		return rep, &MalformedError{Rows: rejected}
	}
	return rep, nil
}

// validate reads ds and returns its good rows whose keys are not in seen
// (which it extends), the malformed ones, and how many were seen.
func validate(ctx context.Context, g Group, ds *dataset.Dataset, seen map[string]bool) ([]row, []*RowError, int, error) {
	schema, err := ds.Schema(ctx)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("featurestore: ingest into %s: %w", g.Name, err)
	}
	var problems []string
	for _, f := range g.Features {
		if _, ok := schema.Index(f.Name); !ok {
			problems = append(problems, fmt.Sprintf("feature %q has no column", f.Name))
		}
	}
	for _, f := range schema.Fields {
		if _, ok := g.typeOf(f.Name); !ok {
			problems = append(problems, fmt.Sprintf("column %q is not a feature", f.Name))
		}
	}
	if len(problems) > 0 {
		return nil, nil, 0, fmt.Errorf("%w: ingest into %s: %s", ErrMalformed, g.Name, strings.Join(problems, "; "))
	}
	var rows []row
	var bad []*RowError
	skipped, n := 0, 0
	for b, err := range ds.Blocks(ctx) {
		if err != nil {
			return nil, nil, 0, fmt.Errorf("featurestore: ingest into %s: %w", g.Name, err)
		}
		cols := make([]*dataset.Column, len(g.Features))
		for j, f := range g.Features {
			cols[j], _ = b.ColumnByName(f.Name)
		}
	rows:
		for i := range b.NumRows() {
			rec := make(Record, len(cols))
			for j, f := range g.Features {
				v, err := convert(cols[j], i, f.Type)
				if err == nil && v == nil && (f.Name == g.RecordIdentifier || f.Name == g.EventTime) {
					err = errors.New("missing")
				}
				if err == nil && f.Name == g.EventTime {
					_, err = eventInstant(v)
				}
				if err != nil {
					bad = append(bad, &RowError{Row: n, Line: n + 2, Feature: f.Name, Err: err})
					n++
					continue rows
				}
				if v != nil {
					rec[f.Name] = v
				}
			}
			k := key(rec[g.RecordIdentifier], rec[g.EventTime])
			if seen[k] {
				skipped++
			} else {
				seen[k] = true
				rows = append(rows, row{rec: rec, n: n})
			}
			n++
		}
	}
	return rows, bad, skipped, nil
}

// writePart writes a part's records, one file per hour partition of their
// event times.
func (l *Local) writePart(ctx context.Context, part []row, invoked time.Time) ([]string, error) {
	byHour := map[time.Time][]row{}
	var hours []time.Time
	for _, r := range part {
		t, _ := eventInstant(r.rec[l.g.EventTime])
		h := t.Truncate(time.Hour)
		if _, ok := byHour[h]; !ok {
			hours = append(hours, h)
		}
		byHour[h] = append(byHour[h], r)
	}
	var files []string
	for _, h := range hours {
		if err := l.writeFile(ctx, byHour[h], false, invoked); err != nil {
			return files, err
		}
		files = append(files, l.lastFile(byHour[h]))
	}
	return files, nil
}

var fileNameEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// fileName is <latest event time>_<16 alphanumerics>.parquet; the
// alphanumerics are a hash of the records' keys, so a re-run writing the
// same records replaces the same file.
func (l *Local) fileName(rs []row, deleted bool) (dir, prefix string) {
	h := sha256.New()
	latest := rs[0].rec[l.g.EventTime]
	for _, r := range rs {
		et := r.rec[l.g.EventTime]
		h.Write([]byte(key(r.rec[l.g.RecordIdentifier], et)))
		h.Write([]byte{0})
		if later(et, latest) {
			latest = et
		}
	}
	if deleted {
		h.Write([]byte("deleted"))
	}
	t, _ := eventInstant(latest)
	dir = filepath.Join(l.dataDir, fmt.Sprintf("year=%04d", t.Year()), fmt.Sprintf("month=%02d", t.Month()),
		fmt.Sprintf("day=%02d", t.Day()), fmt.Sprintf("hour=%02d", t.Hour()))
	// The writer appends a 5-digit block index: 11 + 5 = 16 alphanumerics.
	return dir, t.Format("20060102T150405Z") + "_" + fileNameEncoding.EncodeToString(h.Sum(nil))[:11]
}

func (l *Local) lastFile(rs []row) string {
	dir, prefix := l.fileName(rs, false)
	return filepath.Join(dir, prefix+"00000.parquet")
}

// writeFile writes records of one hour partition as one parquet file,
// atomically, then records them as stored.
func (l *Local) writeFile(ctx context.Context, rs []row, deleted bool, invoked time.Time) error {
	dir, prefix := l.fileName(rs, deleted)
	path := filepath.Join(dir, prefix+"00000.parquet")
	if l.beforeFile != nil {
		if err := l.beforeFile(path); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(l.g.Features)+3)
	cols := make([]*dataset.Column, 0, len(l.g.Features)+3)
	for _, f := range l.g.Features {
		valid := make([]bool, len(rs))
		nulls := false
		switch f.Type {
		case Integral:
			vals := make([]int64, len(rs))
			for i, r := range rs {
				vals[i], valid[i] = r.rec[f.Name].(int64)
				nulls = nulls || !valid[i]
			}
			cols = append(cols, dataset.NewInt64Column(vals, validity(valid, nulls)))
		case Fractional:
			vals := make([]float64, len(rs))
			for i, r := range rs {
				vals[i], valid[i] = r.rec[f.Name].(float64)
				nulls = nulls || !valid[i]
			}
			cols = append(cols, dataset.NewFloat64Column(vals, validity(valid, nulls)))
		default:
			vals := make([]string, len(rs))
			for i, r := range rs {
				vals[i], valid[i] = r.rec[f.Name].(string)
				nulls = nulls || !valid[i]
			}
			cols = append(cols, dataset.NewStringColumn(vals, validity(valid, nulls)))
		}
		names = append(names, f.Name)
	}
	wt := l.now().Format("2006-01-02 15:04:05.000")
	at := invoked.UTC().Format("2006-01-02 15:04:05.000")
	wts, ats, dels := make([]string, len(rs)), make([]string, len(rs)), make([]bool, len(rs))
	for i := range rs {
		wts[i], ats[i], dels[i] = wt, at, deleted
	}
	names = append(names, WriteTime, APIInvocationTime, IsDeleted)
	cols = append(cols, dataset.NewStringColumn(wts, nil), dataset.NewStringColumn(ats, nil), dataset.NewBoolColumn(dels, nil))
	b, err := dataset.NewBlockFromColumns(names, cols)
	if err != nil {
		return err
	}
	if err := mkdir(dir); err != nil {
		return err
	}
	if _, err := dataset.NewParquetWriter(dir, dataset.WriteOptions{FilePrefix: prefix}).WriteBlock(ctx, 0, b); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range rs {
		l.apply(r.rec, deleted)
	}
	return nil
}

func validity(valid []bool, nulls bool) []bool {
	if !nulls {
		return nil
	}
	return valid
}
