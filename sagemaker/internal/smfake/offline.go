package smfake

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/dataset"
)

// FlushOffline writes every record put since the last flush into its
// group's offline store, as SageMaker does on its own within minutes of a
// PutRecord: one parquet file per group and event-time hour, PUT through
// the fallback handler (an S3 fake holding the offline store's bucket) at
// <ResolvedOutputS3Uri>/year=YYYY/month=MM/day=DD/hour=HH/<latest event
// time>_<16 digits>.parquet. A file has the group's features in
// definition order, typed as defined (Integral int64, Fractional double,
// String text; a feature a record lacks is null), then write_time and
// api_invocation_time ("yyyy-MM-dd HH:mm:ss.SSS" text, as the local store
// of sagemaker/featurestore writes them) and is_deleted (false). Records
// of groups without an offline store are never written. It returns how
// many records it wrote.
//
// Tests call it when the offline store should catch up, for instance from
// the fallback handler when a client lists the store.
func (s *Server) FlushOffline(ctx context.Context) (int, error) {
	type batch struct {
		g    *groupState
		recs []record
	}
	s.mu.Lock()
	var batches []batch
	for _, name := range sortedKeys(s.groups) {
		g := s.groups[name]
		if len(g.pending) > 0 {
			batches = append(batches, batch{g, g.pending})
			g.pending = nil
		}
	}
	now := s.now()
	s.mu.Unlock()
	if len(batches) > 0 && s.fallback == nil {
		return 0, fmt.Errorf("smfake: no fallback handler to write the offline store to")
	}
	n := 0
	for _, b := range batches {
		byHour := map[time.Time][]record{}
		var hours []time.Time
		for _, r := range b.recs {
			t, err := eventInstant(r.eventTime)
			if err != nil {
				return n, fmt.Errorf("smfake: group %s: event time %q: %w", b.g.name, r.eventTime, err)
			}
			h := t.Truncate(time.Hour)
			if _, ok := byHour[h]; !ok {
				hours = append(hours, h)
			}
			byHour[h] = append(byHour[h], r)
		}
		for _, h := range hours {
			if err := s.writeOffline(ctx, b.g, byHour[h], now); err != nil {
				return n, fmt.Errorf("smfake: group %s: %w", b.g.name, err)
			}
			n += len(byHour[h])
		}
	}
	return n, nil
}

// writeOffline writes one hour's records of g as one parquet file.
func (s *Server) writeOffline(ctx context.Context, g *groupState, recs []record, now time.Time) error {
	var names []string
	var cols []*dataset.Column
	for _, d := range g.definitions {
		m, _ := d.(map[string]any)
		name := str(m, "FeatureName")
		col, err := offlineColumn(name, str(m, "FeatureType"), recs)
		if err != nil {
			return err
		}
		names, cols = append(names, name), append(cols, col)
	}
	wts, ats, dels := make([]string, len(recs)), make([]string, len(recs)), make([]bool, len(recs))
	latest := time.Time{}
	for i, r := range recs {
		wts[i] = now.UTC().Format("2006-01-02 15:04:05.000")
		ats[i] = r.put.UTC().Format("2006-01-02 15:04:05.000")
		if t, _ := eventInstant(r.eventTime); t.After(latest) {
			latest = t
		}
	}
	names = append(names, "write_time", "api_invocation_time", "is_deleted")
	cols = append(cols, dataset.NewStringColumn(wts, nil), dataset.NewStringColumn(ats, nil), dataset.NewBoolColumn(dels, nil))
	blk, err := dataset.NewBlockFromColumns(names, cols)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "smfake-offline-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path, err := dataset.NewParquetWriter(tmp, dataset.WriteOptions{}).WriteBlock(ctx, 0, blk)
	if err != nil {
		return err
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sc, _ := g.offline["S3StorageConfig"].(map[string]any)
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(str(sc, "ResolvedOutputS3Uri"), "s3://"), "/")
	s.mu.Lock()
	s.offlineFiles++
	seq := s.offlineFiles
	s.mu.Unlock()
	key := fmt.Sprintf("%s/year=%04d/month=%02d/day=%02d/hour=%02d/%s_%016d.parquet", prefix,
		latest.Year(), latest.Month(), latest.Day(), latest.Hour(), latest.Format("20060102T150405Z"), seq)
	req := httptest.NewRequestWithContext(ctx, http.MethodPut, "/"+bucket+"/"+key, bytes.NewReader(body))
	req.Header.Set("Content-Length", strconv.Itoa(len(body)))
	w := httptest.NewRecorder()
	s.fallback.ServeHTTP(w, req)
	if w.Code/100 != 2 {
		return fmt.Errorf("PUT s3://%s/%s: HTTP %d: %s", bucket, key, w.Code, w.Body.String())
	}
	return nil
}

// offlineColumn is feature name of recs as a column of its type.
func offlineColumn(name, typ string, recs []record) (*dataset.Column, error) {
	valid := make([]bool, len(recs))
	nulls := false
	for i, r := range recs {
		_, valid[i] = r.values[name]
		nulls = nulls || !valid[i]
	}
	if !nulls {
		valid = nil
	}
	var err error
	switch typ {
	case "Integral":
		v := make([]int64, len(recs))
		for i, r := range recs {
			if s, ok := r.values[name]; ok && err == nil {
				if v[i], err = strconv.ParseInt(s, 10, 64); err != nil {
					err = fmt.Errorf("feature %s: %w", name, err)
				}
			}
		}
		return dataset.NewInt64Column(v, valid), err
	case "Fractional":
		v := make([]float64, len(recs))
		for i, r := range recs {
			if s, ok := r.values[name]; ok && err == nil {
				if v[i], err = strconv.ParseFloat(s, 64); err != nil {
					err = fmt.Errorf("feature %s: %w", name, err)
				}
			}
		}
		return dataset.NewFloat64Column(v, valid), err
	}
	v := make([]string, len(recs))
	for i, r := range recs {
		v[i] = r.values[name]
	}
	return dataset.NewStringColumn(v, valid), nil
}

// eventInstant reads an event time: epoch seconds, or ISO 8601.
func eventInstant(v string) (time.Time, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return time.Parse(time.RFC3339Nano, v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
