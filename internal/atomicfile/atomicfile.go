// Package atomicfile writes files so that a reader sees either the old
// content or the whole new content, never a part.
//
// A [File] writes to a temporary file in the destination's directory;
// [File.Commit] gives it its permissions, syncs it, closes it, renames it
// over the destination and syncs the directory. [File.Abort], or a failed
// Commit, removes the temporary file and leaves the destination as it was.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrDone is returned by Write or Commit on a File already committed or
// aborted.
var ErrDone = errors.New("atomicfile: file already committed or aborted")

// File is a file being written under a temporary name beside its
// destination. It is not safe for concurrent use.
type File struct {
	f    *os.File
	path string
	perm os.FileMode
	done bool
}

// Create starts writing the file that Commit will place at path with the
// permission bits perm (applied as given, without the umask). The
// directory must exist.
func Create(path string, perm os.FileMode) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &File{f: f, path: path, perm: perm}, nil
}

// Path is the destination.
func (f *File) Path() string { return f.path }

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, fmt.Errorf("%w: %s", ErrDone, f.path)
	}
	return f.f.Write(p)
}

// Commit syncs and closes the temporary file and renames it to the
// destination, then syncs the directory (best effort). On error the
// temporary file is removed and the destination is untouched.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%w: %s", ErrDone, f.path)
	}
	f.done = true
	tmp := f.f.Name()
	err := f.f.Chmod(f.perm)
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, derr := os.Open(filepath.Dir(f.path)); derr == nil {
		d.Sync() // best effort: makes the rename durable
		d.Close()
	}
	return nil
}

// Abort removes the temporary file. It does nothing on a File already
// committed or aborted.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	f.f.Close()
	return os.Remove(f.f.Name())
}

// WriteFile writes data to path atomically with permission bits perm.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}
