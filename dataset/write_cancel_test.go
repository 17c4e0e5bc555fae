package dataset

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// slowCommitFS is the local file system with a Commit that takes a while,
// as an object store's upload does; it counts the commits in flight.
type slowCommitFS struct {
	LocalFS
	inflight *atomic.Int32
}

type slowCommitWriter struct {
	FileWriter
	inflight *atomic.Int32
}

func (w slowCommitWriter) Commit() error {
	w.inflight.Add(1)
	defer w.inflight.Add(-1)
	time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
	return w.FileWriter.Commit()
}

func (f slowCommitFS) Create(ctx context.Context, p string) (FileWriter, error) {
	w, err := f.LocalFS.Create(ctx, p)
	if err != nil {
		return nil, err
	}
	return slowCommitWriter{FileWriter: w, inflight: f.inflight}, nil
}

// TestWriteCancelledLeavesNothing cancels Write at random points while
// files commit slowly: a Write that fails leaves no file behind and no
// commit running, on goroutines and on a System alike.
func TestWriteCancelledLeavesNothing(t *testing.T) {
	for _, sys := range []struct {
		name string
		sys  func(t *testing.T) *System
	}{
		{"goroutines", func(*testing.T) *System { return nil }},
		{"system", func(t *testing.T) *System { return smallSys(t, 4) }},
	} {
		t.Run(sys.name, func(t *testing.T) {
			var inflight atomic.Int32
			reg := NewFSRegistry()
			reg.Register("", slowCommitFS{inflight: &inflight})
			d := Range(sys.sys(t), 4000, Options{BlockRows: 100, Parallelism: 4})
			failed := 0
			for i := range 20 {
				dir := t.TempDir()
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(time.Duration(rand.IntN(20_000))*time.Microsecond, cancel)
				within(t, 10*time.Second, func() error {
					defer cancel()
					paths, err := d.Write(ctx, NewCSVWriter(dir, WriteOptions{FS: reg}))
					if n := inflight.Load(); n != 0 {
						return fmt.Errorf("run %d: Write returned with %d commits running", i, n)
					}
					got := listDir(t, dir)
					if err == nil {
						if len(paths) != 40 || len(got) != 40 {
							return fmt.Errorf("run %d: wrote %d paths, %d files", i, len(paths), len(got))
						}
						return nil
					}
					failed++
					if !errors.Is(err, context.Canceled) {
						return fmt.Errorf("run %d: err = %v, want context.Canceled", i, err)
					}
					if len(got) != 0 {
						return fmt.Errorf("run %d: a cancelled Write left %d files: %v", i, len(got), got)
					}
					return nil
				})
			}
			if failed == 0 {
				t.Error("no run was cancelled before it finished")
			}
		})
	}
}
