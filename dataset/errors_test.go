package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSentinels: each failure is testable with errors.Is against the
// package's sentinel and names what failed.
func TestSentinels(t *testing.T) {
	ctx := context.Background()
	t.Run("no file system for a scheme", func(t *testing.T) {
		_, _, err := NewFSRegistry().Resolve("s3://bucket/key.parquet")
		if !errors.Is(err, ErrNoFS) || !strings.Contains(err.Error(), `"s3"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("commit twice", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "x.csv")
		w, err := LocalFS{}.Create(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); !errors.Is(err, ErrFileDone) || !strings.Contains(err.Error(), p) {
			t.Fatalf("second Commit: %v", err)
		}
	})
	t.Run("committed file is readable by others", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "part-00000.csv")
		w, err := LocalFS{}.Create(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("a\n1\n")); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Fatalf("mode %v, want 0644", st.Mode().Perm())
		}
		if _, err := w.Write([]byte("x")); !errors.Is(err, ErrFileDone) {
			t.Fatalf("Write after Commit: %v", err)
		}
	})
	t.Run("actor constructor returns nil", func(t *testing.T) {
		_, err := Range(sys(t), 10, Options{}).MapBatchesWith(func(context.Context) (BatchFunc, error) { return nil, nil },
			BatchOptions{Compute: &ActorPoolStrategy{Size: 1}}).Take(ctx, 1)
		var oe *OpError
		if !errors.Is(err, ErrNilFunc) || !errors.As(err, &oe) || oe.Op != "MapBatches(actors)" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown plan node", func(t *testing.T) {
		e := newEnv(Options{}, sys(t))
		n := 0
		for _, err := range e.compile(ctx, &node{kind: opKind(-1), name: "bogus"}) {
			n++
			if !errors.Is(err, ErrInvalidPlan) || !strings.Contains(err.Error(), "bogus") {
				t.Errorf("err = %v", err)
			}
		}
		if n != 1 {
			t.Errorf("%d results, want 1 error", n)
		}
	})
}

// TestCausesAreWrapped: errors from below (JSON, parquet, partition values)
// stay reachable with errors.As/Is under the package's sentinel.
func TestCausesAreWrapped(t *testing.T) {
	t.Run("UnmarshalPreprocessor envelope", func(t *testing.T) {
		_, err := UnmarshalPreprocessor([]byte("{"))
		var se *json.SyntaxError
		if !errors.Is(err, ErrPreprocessor) || !errors.As(err, &se) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("UnmarshalPreprocessor state", func(t *testing.T) {
		_, err := UnmarshalPreprocessor([]byte(`{"type":"StandardScaler","state":"not an object"}`))
		var ue *json.UnmarshalTypeError
		if !errors.Is(err, ErrPreprocessor) || !errors.As(err, &ue) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("partition value", func(t *testing.T) {
		for _, typ := range []Type{Int64, Float64} {
			_, err := partitionColumn(typ, "root/year=abc/part-0.csv", partValue{key: "year", val: "abc"}, 3)
			var ne *strconv.NumError
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &ne) ||
				!strings.Contains(err.Error(), "root/year=abc/part-0.csv") || !strings.Contains(err.Error(), `"year"`) {
				t.Errorf("%s: err = %v", typ, err)
			}
		}
		c, err := partitionColumn(Int64, "p", partValue{key: "year", val: "2024"}, 2)
		if err != nil || c.Len() != 2 || c.Int64s()[1] != 2024 {
			t.Errorf("good value: %v, %v", c, err)
		}
	})
}

// abortFailsFS is a LocalFS whose writes fail and whose Abort fails too.
type abortFailsFS struct{ LocalFS }

type abortFailsWriter struct{ FileWriter }

var errAbort = errors.New("cannot remove the temporary file")

func (w abortFailsWriter) Write(p []byte) (int, error) { return 0, errDiskFull }
func (w abortFailsWriter) Abort() error {
	if err := w.FileWriter.Abort(); err != nil {
		return err
	}
	return errAbort
}

func (f abortFailsFS) Create(ctx context.Context, p string) (FileWriter, error) {
	w, err := f.LocalFS.Create(ctx, p)
	if err != nil {
		return nil, err
	}
	return abortFailsWriter{w}, nil
}

// TestWriteReportsAbortFailure: a failed write whose clean-up fails too
// reports both causes.
func TestWriteReportsAbortFailure(t *testing.T) {
	reg := NewFSRegistry()
	reg.Register("", abortFailsFS{})
	_, err := NewCSVWriter(t.TempDir(), WriteOptions{FS: reg}).WriteBlock(context.Background(), 0, nullBlock(t))
	if !errors.Is(err, errDiskFull) || !errors.Is(err, errAbort) {
		t.Fatalf("err = %v", err)
	}
}

// failThenAbortFails is a BlockWriter that fails block 2 and then cannot
// remove what it wrote.
type failThenAbortFails struct{ BlockWriter }

var errBlock = errors.New("block failed")

func (w failThenAbortFails) WriteBlock(ctx context.Context, i int, b *Block) (string, error) {
	if i == 2 {
		return "", errBlock
	}
	return w.BlockWriter.WriteBlock(ctx, i, b)
}

func (w failThenAbortFails) Abort(ctx context.Context) error {
	if err := w.BlockWriter.Abort(ctx); err != nil {
		return err
	}
	return errAbort
}

// TestDatasetWriteJoinsAbortError: Dataset.Write keeps both the write's
// error and the abort's.
func TestDatasetWriteJoinsAbortError(t *testing.T) {
	dir := t.TempDir()
	_, err := Range(sys(t), 50, Options{BlockRows: 10}).
		Write(context.Background(), failThenAbortFails{NewCSVWriter(dir, WriteOptions{})})
	if !errors.Is(err, errBlock) || !errors.Is(err, errAbort) {
		t.Fatalf("err = %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
