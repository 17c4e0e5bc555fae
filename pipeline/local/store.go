package local

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrURI reports an S3 URI the artifact store cannot map to a path.
var ErrURI = errors.New("local: bad S3 URI")

// store maps s3://bucket/key to <root>/s3/bucket/key.
type store struct{ root string }

// path returns the local path of uri.
func (s store) path(uri string) (string, error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", fmt.Errorf("%w: %q does not start with s3://", ErrURI, uri)
	}
	var segs []string
	for _, seg := range strings.Split(rest, "/") {
		switch {
		case seg == "":
			continue // a//b and a trailing slash name the same folder here
		case seg == "." || seg == ".." || strings.HasPrefix(seg, ".sagepipe-"):
			return "", fmt.Errorf("%w: %q has a ., .. or reserved segment", ErrURI, uri)
		}
		segs = append(segs, seg)
	}
	if len(segs) == 0 {
		return "", fmt.Errorf("%w: %q names no bucket", ErrURI, uri)
	}
	return filepath.Join(s.root, "s3", filepath.Join(segs...)), nil
}

func (s store) read(uri string) ([]byte, error) {
	p, err := s.path(uri)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// tmpDir returns a new directory for work in progress. It lives on the
// same file system as the store, so finished outputs are renamed into
// place.
func (s store) tmpDir(pattern string) (string, error) {
	dir := filepath.Join(s.root, "tmp")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return os.MkdirTemp(dir, pattern)
}

// put moves the directory or file src into place at uri, replacing what
// was there. The old content is moved aside first and removed after, so
// a reader never sees a mix of old and new files.
func (s store) put(src, uri string) error {
	dst, err := s.path(uri)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	var old string
	if _, err := os.Lstat(dst); err == nil {
		old = filepath.Join(filepath.Dir(dst), ".sagepipe-old-"+filepath.Base(dst)+"-"+randomID(6))
		if err := os.Rename(dst, old); err != nil {
			return err
		}
	}
	if err := os.Rename(src, dst); err != nil {
		if old != "" {
			_ = os.Rename(old, dst)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Stage copies the local file or directory src into the artifact store of
// the engine rooted at root, at the S3 URI uri, so that a run finds it
// there (the raw data a pipeline's first step reads, for example). What
// was at uri before is replaced; a reader never sees a partial copy.
func Stage(root, src, uri string) error {
	s := store{root: rootOrDefault(root)}
	if _, err := s.path(uri); err != nil {
		return err
	}
	tmp, err := s.tmpDir("stage-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dst := filepath.Join(tmp, "content")
	if err := copyTree(src, dst); err != nil {
		return fmt.Errorf("local: stage %s: %w", src, err)
	}
	return s.put(dst, uri)
}

// copyTree copies a file or a directory tree.
func copyTree(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return copyFile(src, dst, info.Mode().Perm())
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return copyFile(p, target, info.Mode().Perm())
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// linkOrCopy makes dst a hard link to the file src, or a copy where links
// are not possible.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	return copyFile(src, dst, info.Mode().Perm())
}

// hashTree returns a SHA-256 over the names and contents of the files
// under p (or of the file p), in lexical order.
func hashTree(p string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(p, q)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		f, err := os.Open(q)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.Copy(h, f)
		fmt.Fprintf(h, "\x00%d\x00", n)
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
