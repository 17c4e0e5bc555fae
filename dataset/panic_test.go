package dataset

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// hookFS is LocalFS with a hook run before every call, by method name.
type hookFS struct {
	LocalFS
	hook func(method, path string)
}

func (f hookFS) Open(ctx context.Context, p string) (File, error) {
	f.hook("Open", p)
	return f.LocalFS.Open(ctx, p)
}

func (f hookFS) Stat(ctx context.Context, p string) (FileInfo, error) {
	f.hook("Stat", p)
	return f.LocalFS.Stat(ctx, p)
}

func (f hookFS) Create(ctx context.Context, p string) (FileWriter, error) {
	f.hook("Create", p)
	return f.LocalFS.Create(ctx, p)
}

func (f hookFS) Remove(ctx context.Context, p string) error {
	f.hook("Remove", p)
	return f.LocalFS.Remove(ctx, p)
}

// panicSource is a Datasource whose methods panic on demand.
type panicSource struct {
	inSchema, inReadTasks bool
	inRead                int // the read task that panics, or -1
}

func (p panicSource) Schema(context.Context) (Schema, error) {
	if p.inSchema {
		panic("schema boom")
	}
	return NewSchema(Field{Name: "id", Type: Int64}), nil
}

func (p panicSource) ReadTasks(context.Context, int) ([]ReadTask, error) {
	if p.inReadTasks {
		panic("read tasks boom")
	}
	var ts []ReadTask
	for i := range 4 {
		ts = append(ts, ReadTask{Name: fmt.Sprintf("part%d", i), EstimatedRows: -1, Read: func(ctx context.Context) iter.Seq2[*Block, error] {
			return func(yield func(*Block, error) bool) {
				if i == p.inRead {
					panic(fmt.Errorf("read %d boom", i))
				}
				b, err := NewBlockFromColumns([]string{"id"}, []*Column{NewInt64Column([]int64{int64(i)}, nil)})
				yield(b, err)
			}
		}})
	}
	return ts, nil
}

// wantPanic checks that err carries a recovered panic whose operation
// names op and whose value is value.
func wantPanic(err error, op string, value any) error {
	var pe *actor.PanicError
	if !errors.As(err, &pe) {
		return fmt.Errorf("err = %v, want an *actor.PanicError", err)
	}
	if !strings.Contains(pe.Op, op) || len(pe.Stack) == 0 {
		return fmt.Errorf("PanicError Op %q (want it to name %q), %d bytes of stack", pe.Op, op, len(pe.Stack))
	}
	if v, ok := pe.Value.(error); ok {
		if v.Error() != fmt.Sprint(value) {
			return fmt.Errorf("panic value %v, want %v", v, value)
		}
	} else if pe.Value != value {
		return fmt.Errorf("panic value %v, want %v", pe.Value, value)
	}
	return nil
}

// stillUsable checks that s still runs datasets.
func stillUsable(ctx context.Context, s *System) error {
	n, err := Range(s, 1000, Options{BlockRows: 100}).Filter(func(Row) (bool, error) { return true, nil }).Count(ctx)
	if n != 1000 || err != nil {
		return fmt.Errorf("after the panic, Count = %d, %v", n, err)
	}
	return nil
}

// TestPanicsComeBackAsErrors: a panic in any user hook the executor calls
// — a Datasource's three methods, an FS during planning and reading, a
// BlockWriter, the parquet reader on a file changed after planning — comes
// back to the caller as an *actor.PanicError naming the operation; the
// process does not crash, no consumer hangs, and the System stays usable.
func TestPanicsComeBackAsErrors(t *testing.T) {
	csvDir := csvInput(t, 1000, 2)
	pqDir := t.TempDir()
	if _, err := Range(nil, 1000, Options{BlockRows: 500}).WriteParquet(context.Background(), pqDir, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// fsPanicking panics in method on the n-th call (counting from 1).
	fsPanicking := func(method string, n int64) *FSRegistry {
		var calls atomic.Int64
		reg := NewFSRegistry()
		reg.Register("", hookFS{hook: func(m, p string) {
			if m == method && calls.Add(1) == n {
				panic(method + " boom")
			}
		}})
		return reg
	}
	tests := []struct {
		name  string
		run   func(ctx context.Context, s *System) error
		op    string
		value any
	}{
		{"Datasource.Schema", func(ctx context.Context, s *System) error {
			_, err := Read(ctx, s, panicSource{inSchema: true, inRead: -1}, Options{})
			return err
		}, "Schema", "schema boom"},
		{"Datasource.ReadTasks", func(ctx context.Context, s *System) error {
			d, err := Read(ctx, s, panicSource{inReadTasks: true, inRead: -1}, Options{})
			if err != nil {
				return err
			}
			_, err = d.Take(ctx, 10)
			return err
		}, "ReadTasks", "read tasks boom"},
		{"Datasource.Read", func(ctx context.Context, s *System) error {
			d, err := Read(ctx, s, panicSource{inRead: 2}, Options{})
			if err != nil {
				return err
			}
			_, err = d.Take(ctx, 10)
			return err
		}, "read task 2 (part2)", "read 2 boom"},
		{"FS.Stat planning", func(ctx context.Context, s *System) error {
			_, err := ReadCSV(ctx, s, []string{csvDir}, CSVOptions{ReadOptions: ReadOptions{FS: fsPanicking("Stat", 1)}}, Options{})
			return err
		}, "planning", "Stat boom"},
		{"FS.Open planning CSV", func(ctx context.Context, s *System) error {
			_, err := ReadCSV(ctx, s, []string{csvDir}, CSVOptions{ReadOptions: ReadOptions{FS: fsPanicking("Open", 2)}}, Options{})
			return err
		}, "planning the read of", "Open boom"},
		{"FS.Open planning parquet", func(ctx context.Context, s *System) error {
			_, err := ReadParquet(ctx, s, []string{pqDir}, ParquetOptions{ReadOptions: ReadOptions{FS: fsPanicking("Open", 1)}}, Options{})
			return err
		}, "planning the read of", "Open boom"},
		{"FS.Open reading", func(ctx context.Context, s *System) error {
			// Planning opens each of the two files once; the reads open
			// them again.
			d, err := ReadCSV(ctx, s, []string{csvDir}, CSVOptions{ReadOptions: ReadOptions{FS: fsPanicking("Open", 4)}}, Options{})
			if err != nil {
				return err
			}
			_, err = d.Count(ctx)
			return err
		}, "read task", "Open boom"},
		{"FS.Create writing", func(ctx context.Context, s *System) error {
			_, err := Range(s, 100, Options{BlockRows: 10}).WriteCSV(ctx, t.TempDir(), WriteOptions{FS: fsPanicking("Create", 3)})
			return err
		}, "write block", "Create boom"},
		{"FS.Remove aborting", func(ctx context.Context, s *System) error {
			// The third file fails to write; removing the first panics.
			reg := NewFSRegistry()
			reg.Register("", hookFS{hook: func(m, p string) {
				switch {
				case m == "Create" && strings.HasSuffix(p, "part-00002.csv"):
					panic("Create boom")
				case m == "Remove":
					panic("Remove boom")
				}
			}})
			_, err := Range(s, 30, Options{BlockRows: 10}).WriteCSV(ctx, t.TempDir(), WriteOptions{FS: reg})
			if err := wantPanic(err, "write block 2", "Create boom"); err != nil {
				return err
			}
			// Both panics are reported (errors.Join).
			if want := "Abort: panic: Remove boom"; !strings.Contains(err.Error(), want) {
				return fmt.Errorf("err = %v, want it to hold %q", err, want)
			}
			return nil
		}, "", nil},
		{"parquet file changed after planning", func(ctx context.Context, s *System) error {
			dir := t.TempDir()
			if _, err := Range(nil, 1000, Options{BlockRows: 1000}).WriteParquet(ctx, dir, WriteOptions{RowGroupRows: 100}); err != nil {
				return err
			}
			d, err := ReadParquet(ctx, s, []string{dir}, ParquetOptions{}, Options{})
			if err != nil {
				return err
			}
			// Replace the file by one with a single, smaller row group.
			other := t.TempDir()
			if _, err := Range(nil, 10, Options{}).WriteParquet(ctx, other, WriteOptions{}); err != nil {
				return err
			}
			data, err := os.ReadFile(filepath.Join(other, "part-00000.parquet"))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "part-00000.parquet"), data, 0o644); err != nil {
				return err
			}
			_, err = d.Take(ctx, 1000)
			if err == nil {
				return errors.New("reading a changed file succeeded")
			}
			return nil // an error, not a crash or a hang: enough
		}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := smallSys(t, 2)
			ctx := context.Background()
			within(t, 20*time.Second, func() error {
				err := tt.run(ctx, s)
				if tt.op != "" {
					if err := wantPanic(err, tt.op, tt.value); err != nil {
						return err
					}
				} else if err != nil {
					return err
				}
				return stillUsable(ctx, s)
			})
		})
	}
}
