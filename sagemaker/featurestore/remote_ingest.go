package featurestore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
)

// WithSystem runs Remote.Ingest's actors on sys instead of a System made
// for each ingestion.
func WithSystem(sys *actor.System) RemoteOption { return func(r *Remote) { r.sys = sys } }

// Ingest writes every row of ds to the group g with PutRecord, as the
// seed's ingestion does: the rows are cut into numActors contiguous parts
// and each part is put by its own actor, one record at a time. ds must
// have a column for each feature and no other. A row that does not fit g
// is reported with its line and not sent (a *MalformedError); a record the
// service refuses after the retryer's attempts is reported in Failed and
// the others go on, as the seed prints and skips them. Unlike the local
// store, the service appends every put to the offline store, so a re-run
// puts again what an interrupted run put (the online store keeps one
// record per identifier).
func (r *Remote) Ingest(ctx context.Context, g Group, ds *dataset.Dataset, numActors int) (IngestReport, error) {
	var rep IngestReport
	if numActors < 1 {
		return rep, fmt.Errorf("featurestore: ingest into %s: %d actors", g.Name, numActors)
	}
	if err := g.Validate(); err != nil {
		return rep, err
	}
	rows, rejected, skipped, err := validate(ctx, g, ds, map[string]bool{})
	if err != nil {
		return rep, err
	}
	rep.Rejected, rep.Skipped = rejected, skipped
	sys := r.sys
	if sys == nil {
		if sys, err = actor.NewSystem(actor.Config{CPUs: float64(runtime.NumCPU())}); err != nil {
			return rep, err
		}
		defer sys.Shutdown(context.WithoutCancel(ctx))
	}
	type putter struct{ r *Remote }
	var mu sync.Mutex
	var handles []*actor.Handle[putter]
	defer func() {
		for _, h := range handles {
			h.Kill()
		}
	}()
	var futures []*actor.Future[int]
	for i := range numActors {
		part := rows[i*len(rows)/numActors : (i+1)*len(rows)/numActors]
		h, err := actor.Spawn(ctx, sys, func(context.Context) (*putter, error) { return &putter{r}, nil }, actor.Options{})
		if err != nil {
			return rep, fmt.Errorf("featurestore: ingest into %s: %w", g.Name, err)
		}
		handles = append(handles, h)
		futures = append(futures, actor.Call(h, func(ctx context.Context, p *putter) (int, error) {
			n := 0
			for _, row := range part {
				if err := ctx.Err(); err != nil {
					return n, err
				}
				if err := p.r.Put(ctx, g, row.rec); err != nil {
					if ctx.Err() != nil {
						return n, err
					}
					mu.Lock()
					rep.Failed = append(rep.Failed, &RowError{Row: row.n, Line: row.n + 2, Err: err})
					mu.Unlock()
					continue
				}
				n++
			}
			return n, nil
		}))
	}
	var errs []error
	for _, f := range futures {
		n, err := f.Get(ctx)
		rep.Written += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(rep.Failed) > 0 {
		errs = append(errs, fmt.Errorf("%d records refused, the first: %w", len(rep.Failed), rep.Failed[0]))
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("featurestore: ingest into %s: %w", g.Name, err)
	}
	if len(rejected) > 0 {
		return rep, &MalformedError{Rows: rejected}
	}
	return rep, nil
}
