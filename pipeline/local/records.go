package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/pipeline"
)

// Layout of an execution's directory under <root>/executions/<id>/.
const (
	recordFile     = "execution.json"
	definitionFile = "definition.json"
)

func executionDir(root, id string) string { return filepath.Join(root, "executions", id) }

// recorder owns an execution record and writes it after every change.
// Changes are coalesced: a writer goroutine writes the latest state
// whenever something changed since its last write, so a burst of changes
// costs one write, and close writes the final state.
type recorder struct {
	id   string
	path string

	mu     sync.Mutex
	ex     *pipeline.Execution
	err    error // the first write error
	closed bool
	dirty  chan struct{}
	stop   chan struct{} // closed by close: the writer stops waiting
	done   chan struct{}
}

func newRecorder(root string, ex *pipeline.Execution) (*recorder, error) {
	dir := executionDir(root, ex.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &recorder{id: ex.ID, path: filepath.Join(dir, recordFile), ex: ex,
		dirty: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if err := r.write(true); err != nil {
		return nil, err
	}
	go r.loop()
	return r, nil
}

// update changes the record under the recorder's lock.
// After close it does nothing: a step function that did not return when
// its execution stopped cannot change the final record.
func (r *recorder) update(f func(ex *pipeline.Execution)) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	f(r.ex)
	select { // under the lock, so close cannot close the channel meanwhile
	case r.dirty <- struct{}{}:
	default:
	}
	r.mu.Unlock()
}

// read calls f with the record under the recorder's lock.
func (r *recorder) read(f func(ex *pipeline.Execution)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.ex)
}

// writeEvery spaces the writes of a record in progress: a write holds
// every change made before it, so a burst of step changes costs one
// write, and a reader sees the state of at most this long ago. A record
// that takes long to write (long logs) is written less often, so that
// writing takes at most a tenth of the writer's time.
const writeEvery = 20 * time.Millisecond

func (r *recorder) loop() {
	defer close(r.done)
	for range r.dirty {
		start := time.Now()
		_ = r.write(false)
		t := time.NewTimer(max(writeEvery, 9*time.Since(start)))
		select {
		case <-t.C:
		case <-r.stop:
			t.Stop()
		}
	}
}

// write writes the record: replaced atomically by a rename, and synced to
// disk when durable (the first and the final write; syncing every write
// would make other file operations wait on the file system's journal).
func (r *recorder) write(durable bool) error {
	r.mu.Lock()
	data, err := json.Marshal(r.ex)
	r.mu.Unlock()
	if err == nil && durable {
		err = atomicfile.WriteFile(r.path, data, 0o644)
	} else if err == nil {
		err = replaceFile(r.path, data)
	}
	if err != nil {
		r.mu.Lock()
		if r.err == nil {
			r.err = fmt.Errorf("local: writing execution record: %w", err)
		}
		r.mu.Unlock()
	}
	return err
}

// close stops the writer after a final write and returns the first write
// error.
func (r *recorder) close() error {
	r.mu.Lock()
	r.closed = true
	close(r.stop)
	close(r.dirty)
	r.mu.Unlock()
	<-r.done
	_ = r.write(true)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// replaceFile writes data to a temporary file beside path and renames it
// over path, so a reader sees the old or the new content, never a part.
func replaceFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Load reads the record of execution id from the engine root root.
func Load(root, id string) (*pipeline.Execution, error) {
	root = rootOrDefault(root)
	if id == "" || filepath.Base(id) != id || id[0] == '.' {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	data, err := os.ReadFile(filepath.Join(executionDir(root, id), recordFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q under %s", ErrNotFound, id, root)
	}
	if err != nil {
		return nil, err
	}
	var ex pipeline.Execution
	if err := json.Unmarshal(data, &ex); err != nil {
		return nil, fmt.Errorf("local: execution %q: %w", id, err)
	}
	return &ex, nil
}

// Executions returns the records of every execution under root, most
// recent start first.
func Executions(root string) ([]*pipeline.Execution, error) {
	root = rootOrDefault(root)
	entries, err := os.ReadDir(filepath.Join(root, "executions"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*pipeline.Execution
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		ex, err := Load(root, e.Name())
		if errors.Is(err, ErrNotFound) {
			continue // a directory being created
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ex)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.After(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Definition returns the definition JSON execution id ran (pipeline.Parse
// reads it back, for its DAG).
func Definition(root, id string) ([]byte, error) {
	root = rootOrDefault(root)
	if _, err := Load(root, id); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(executionDir(root, id), definitionFile))
}
