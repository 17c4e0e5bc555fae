package featurestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
)

// LocalOptions configure a local store.
type LocalOptions struct {
	// Account and Region name the offline store's directories as
	// SageMaker does; the defaults are "000000000000" and "us-east-1".
	Account, Region string
	// Now is the clock of write_time and api_invocation_time; nil means
	// time.Now.
	Now func() time.Time
	// System runs the ingestion actors; nil means a System of this
	// process's CPUs, made for each Ingest.
	System *actor.System
}

// Local is a feature group kept on the local file system: the offline
// store as parquet files laid out as SageMaker lays them out in S3 (the
// s3://bucket/prefix of the group's OfflineS3URI mapped to
// <root>/bucket/prefix), and the online store in memory, rebuilt from the
// offline store when the group is opened. It is safe for concurrent use
// (ingestions into one Local run one after the other); two processes must
// not ingest into one directory at once.
type Local struct {
	g       Group
	opts    LocalOptions
	dataDir string
	dataURI string

	ingest sync.Mutex // one ingestion at a time

	mu     sync.Mutex
	keys   map[string]bool   // identifier + event time of every stored record
	online map[string]Record // latest record per identifier

	// beforeFile, when set, runs before each offline file is written.
	beforeFile func(path string) error
}

// OpenLocal opens the group g in the directory root, creating its offline
// store on first use (as CreateFeatureGroup would) and reading back the
// records of an earlier run. g must have an offline store.
func OpenLocal(ctx context.Context, root string, g Group, opts LocalOptions) (*Local, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if g.OfflineS3URI == "" {
		return nil, fmt.Errorf("%w %q: the local store needs an offline store location", ErrGroup, g.Name)
	}
	if opts.Account == "" {
		opts.Account = "000000000000"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	base := strings.TrimSuffix(strings.TrimPrefix(g.OfflineS3URI, "s3://"), "/")
	storeDir := filepath.Join(root, filepath.FromSlash(base), opts.Account, "sagemaker", opts.Region, "offline-store")
	groupDir, err := groupDir(storeDir, g.Name, opts.Now)
	if err != nil {
		return nil, fmt.Errorf("featurestore: open %s: %w", g.Name, err)
	}
	l := &Local{
		g: g, opts: opts,
		dataDir: filepath.Join(storeDir, groupDir, "data"),
		dataURI: "s3://" + base + "/" + opts.Account + "/sagemaker/" + opts.Region + "/offline-store/" + groupDir + "/data",
		keys:    map[string]bool{}, online: map[string]Record{},
	}
	if err := os.MkdirAll(l.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("featurestore: open %s: %w", g.Name, err)
	}
	if err := l.load(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// groupDir finds the group's "<name>-<creation epoch>" directory, or names
// a new one.
func groupDir(storeDir, name string, now func() time.Time) (string, error) {
	entries, err := os.ReadDir(storeDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e.Name(), name+"-"); ok && e.IsDir() {
			if _, err := strconv.ParseInt(rest, 10, 64); err == nil {
				found = append(found, e.Name())
			}
		}
	}
	switch len(found) {
	case 0:
		return name + "-" + strconv.FormatInt(now().Unix(), 10), nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("several offline stores for one group: %q", found)
}

// Group returns the group's definition.
func (l *Local) Group() Group { return l.g }

// OfflineDir returns the local directory of the offline store's data
// (the directory dataset.ReadParquet reads).
func (l *Local) OfflineDir() string { return l.dataDir }

// OfflineURI returns the S3 URI the offline store's data would have on
// AWS (the ResolvedOutputS3Uri).
func (l *Local) OfflineURI() string { return l.dataURI }

func (l *Local) now() time.Time { return l.opts.Now().UTC() }

// key is the identity of a stored record: identifier and event time.
func key(id, eventTime any) string { return format(id) + "\x00" + format(eventTime) }

// load reads the offline store back: every record's key, and the latest
// record per identifier for the online store.
func (l *Local) load(ctx context.Context) error {
	has := false
	err := filepath.WalkDir(l.dataDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") && !strings.HasPrefix(d.Name(), ".") {
			has = true
			return filepath.SkipAll
		}
		return err
	})
	if err != nil || !has {
		return err
	}
	cols := []string{IsDeleted}
	for _, f := range l.g.Features {
		cols = append(cols, f.Name)
	}
	ds, err := dataset.ReadParquet(ctx, l.opts.System, []string{l.dataDir},
		dataset.ParquetOptions{ReadOptions: dataset.ReadOptions{Columns: cols}}, dataset.Options{})
	if err != nil {
		return fmt.Errorf("featurestore: read offline store of %s: %w", l.g.Name, err)
	}
	for b, err := range ds.Blocks(ctx) {
		if err != nil {
			return fmt.Errorf("featurestore: read offline store of %s: %w", l.g.Name, err)
		}
		del, err := b.ColumnByName(IsDeleted)
		if err != nil {
			return err
		}
		for i := range b.NumRows() {
			rec := Record{}
			for _, f := range l.g.Features {
				c, err := b.ColumnByName(f.Name)
				if err != nil {
					return err
				}
				v, err := convert(c, i, f.Type)
				if err != nil {
					return fmt.Errorf("featurestore: offline store of %s: %w", l.g.Name, err)
				}
				if v != nil {
					rec[f.Name] = v
				}
			}
			deleted, _ := del.Value(i).(bool)
			l.apply(rec, deleted)
		}
	}
	return nil
}

// apply records rec as stored, and puts it online if it is the latest of
// its identifier. l.mu must be held, or l not yet shared.
func (l *Local) apply(rec Record, deleted bool) {
	id, et := rec[l.g.RecordIdentifier], rec[l.g.EventTime]
	l.keys[key(id, et)] = true
	if !l.g.Online {
		return
	}
	ids := format(id)
	held, ok := l.online[ids]
	if ok && !later(et, held[l.g.EventTime]) {
		return
	}
	if deleted {
		// a tombstone, so that an older record does not come back
		l.online[ids] = Record{l.g.EventTime: et, deletedMark: true}
		return
	}
	l.online[ids] = rec
}

// deletedMark marks an online tombstone.
const deletedMark = "\x00deleted"

// Get returns the latest record of the identifier from the online store.
func (l *Local) Get(id string) (Record, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.online[id]
	if !ok || r[deletedMark] != nil {
		return nil, false
	}
	out := make(Record, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out, true
}

// BatchGet returns the records of the identifiers held online, in the
// order asked, and the identifiers with none.
func (l *Local) BatchGet(ids ...string) (found []Record, missing []string) {
	for _, id := range ids {
		if r, ok := l.Get(id); ok {
			found = append(found, r)
		} else {
			missing = append(missing, id)
		}
	}
	return found, missing
}

// Delete removes the identifier's record from the online store as of
// eventTime and writes a deletion record (is_deleted true) to the offline
// store, as DeleteRecord does. A record with a later event time put
// afterwards comes back online.
func (l *Local) Delete(ctx context.Context, id string, eventTime time.Time) error {
	idType, _ := l.g.typeOf(l.g.RecordIdentifier)
	idv, err := convertValue(id, idType)
	if err != nil {
		return fmt.Errorf("%w: identifier: %w", ErrMalformed, err)
	}
	var et any = float64(eventTime.UnixNano()) / 1e9
	if t, _ := l.g.typeOf(l.g.EventTime); t == String {
		et = eventTime.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	rec := Record{l.g.RecordIdentifier: idv, l.g.EventTime: et}
	return l.writeFile(ctx, []row{{rec: rec}}, true, l.now())
}

// sortedIDs returns the online identifiers in order (tests, listings).
func (l *Local) sortedIDs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for id, r := range l.online {
		if r[deletedMark] == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o755) }
