package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
)

// Errors of the file system layer.
var (
	// ErrNoFS: a path's URI scheme has no registered file system.
	ErrNoFS = errors.New("dataset: no file system for scheme")
	// ErrFileDone: Commit was called on a file already committed or aborted.
	ErrFileDone = errors.New("dataset: file already committed or aborted")
)

// FS is the small file system the readers and writers use. Paths are the
// FS's own (for LocalFS, OS paths; for an object store, "bucket/key" or the
// full URI: the FS receives the path exactly as the user wrote it).
// Implementations must be safe for concurrent use.
type FS interface {
	// Open opens a file for reading, with random access (parquet footers).
	Open(ctx context.Context, path string) (File, error)
	// Create starts writing path. Nothing is visible at path until Commit
	// returns nil; Abort (or a failed Commit) leaves path as it was.
	Create(ctx context.Context, path string) (FileWriter, error)
	// Stat describes one path; a missing path wraps fs.ErrNotExist.
	Stat(ctx context.Context, path string) (FileInfo, error)
	// List returns the entries directly under dir, sorted by path.
	List(ctx context.Context, dir string) ([]FileInfo, error)
	// Remove deletes a file; a missing file is not an error.
	Remove(ctx context.Context, path string) error
}

// File is an open file: sequential and random-access reads and its size.
type File interface {
	io.Reader
	io.ReaderAt
	io.Closer
	Size() int64
}

// FileWriter receives a file's bytes. Commit makes the file visible
// atomically; Abort discards it. Exactly one of them must be called.
type FileWriter interface {
	io.Writer
	Commit() error
	Abort() error
}

// FileInfo describes a path.
type FileInfo struct {
	Path  string
	Size  int64
	IsDir bool
}

// FSRegistry maps URI schemes ("s3", "file") to file systems. A path with
// no scheme uses the registry's default (LocalFS unless replaced). The zero
// value and a nil *FSRegistry resolve everything to LocalFS.
type FSRegistry struct {
	mu      sync.RWMutex
	schemes map[string]FS
	def     FS
}

// NewFSRegistry returns a registry with LocalFS for plain paths and "file://".
func NewFSRegistry() *FSRegistry { return &FSRegistry{} }

// Register makes fsys handle paths beginning with scheme + "://". The empty
// scheme replaces the default for plain paths.
func (r *FSRegistry) Register(scheme string, fsys FS) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if scheme == "" {
		r.def = fsys
		return
	}
	if r.schemes == nil {
		r.schemes = map[string]FS{}
	}
	r.schemes[scheme] = fsys
}

// Resolve returns the FS for path and the path to hand it: "file://" is
// stripped; other schemes are passed whole to their FS.
func (r *FSRegistry) Resolve(path string) (FS, string, error) {
	scheme, rest, ok := strings.Cut(path, "://")
	if !ok || strings.ContainsAny(scheme, "/\\") {
		if r != nil {
			r.mu.RLock()
			def := r.def
			r.mu.RUnlock()
			if def != nil {
				return def, path, nil
			}
		}
		return LocalFS{}, path, nil
	}
	if r != nil {
		r.mu.RLock()
		f, found := r.schemes[scheme]
		r.mu.RUnlock()
		if found {
			return f, path, nil
		}
	}
	if scheme == "file" {
		return LocalFS{}, rest, nil
	}
	return nil, "", fmt.Errorf("%w %q (path %s)", ErrNoFS, scheme, path)
}

// LocalFS is the operating system's file system.
type LocalFS struct{}

type localFile struct {
	*os.File
	size int64
}

func (f localFile) Size() int64 { return f.size }

// Open opens path for reading.
func (LocalFS) Open(ctx context.Context, path string) (File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return localFile{File: f, size: st.Size()}, nil
}

// Create writes to a temporary file in path's directory (created if
// needed); Commit fsyncs it and renames it to path, with mode 0644.
func (LocalFS) Create(ctx context.Context, path string) (FileWriter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, err
	}
	return localWriter{f}, nil
}

type localWriter struct{ f *atomicfile.File }

func (w localWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if errors.Is(err, atomicfile.ErrDone) {
		err = fmt.Errorf("%w: %s", ErrFileDone, w.f.Path())
	}
	return n, err
}

func (w localWriter) Commit() error {
	err := w.f.Commit()
	if errors.Is(err, atomicfile.ErrDone) {
		return fmt.Errorf("%w: %s", ErrFileDone, w.f.Path())
	}
	if err != nil {
		return fmt.Errorf("dataset: write %s: %w", w.f.Path(), err)
	}
	return nil
}

func (w localWriter) Abort() error { return w.f.Abort() }

// Stat describes path.
func (LocalFS) Stat(ctx context.Context, path string) (FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return FileInfo{}, err
	}
	return FileInfo{Path: path, Size: st.Size(), IsDir: st.IsDir()}, nil
}

// List returns the entries of dir sorted by name.
func (LocalFS) List(ctx context.Context, dir string) ([]FileInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]FileInfo, 0, len(ents))
	for _, e := range ents {
		fi := FileInfo{Path: filepath.Join(dir, e.Name()), IsDir: e.IsDir()}
		if !e.IsDir() {
			if info, err := e.Info(); err == nil {
				fi.Size = info.Size()
			}
		}
		out = append(out, fi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Remove deletes path; a missing path is not an error.
func (LocalFS) Remove(ctx context.Context, path string) error {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// joinPath joins a directory and a name with "/" for URIs and the OS
// separator for plain paths.
func joinPath(dir, name string) string {
	if strings.Contains(dir, "://") {
		return strings.TrimSuffix(dir, "/") + "/" + name
	}
	return filepath.Join(dir, name)
}

// baseName returns the last element of a path or URI.
func baseName(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 {
		return p[i+1:]
	}
	return p
}
