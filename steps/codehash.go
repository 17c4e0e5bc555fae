package steps

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// HashCode returns the content hash SDK 2.257.6 puts into the S3 key of
// local code ("s3://<bucket>/<pipeline>/code/<hash>/<file>"): a SHA-256,
// hex encoded, over the paths in sorted order, feeding for each path the
// path string exactly as given, then the file's bytes, or for a directory
// each entry's name followed by its contents, entries sorted by name,
// recursively. "file://" URLs are read from their path. As in the SDK, a
// path that does not exist contributes its string only (a framework
// processor's code is named relative to its source directory); an entry
// that cannot be read is an error wrapping ErrCode.
func HashCode(paths ...string) (string, error) {
	sorted := slices.Clone(paths)
	slices.Sort(sorted)
	h := sha256.New()
	for _, p := range sorted {
		local := p
		if strings.HasPrefix(strings.ToLower(p), "file://") {
			u, err := url.Parse(p)
			if err != nil {
				return "", fmt.Errorf("%w: %s: %w", ErrCode, p, err)
			}
			local = u.Path
		}
		h.Write([]byte(local))
		fi, err := os.Stat(local)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrCode, err)
		}
		switch {
		case fi.IsDir():
			err = hashDir(h, local)
		case fi.Mode().IsRegular():
			err = hashFile(h, local)
		}
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashDir(h hash.Hash, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCode, err)
	}
	for _, e := range entries { // os.ReadDir sorts by name
		h.Write([]byte(e.Name()))
		p := filepath.Join(dir, e.Name())
		fi, err := os.Stat(p) // follows links, as Python's is_file/is_dir do
		if err != nil {
			continue // a dangling link: only its name counts
		}
		switch {
		case fi.Mode().IsRegular():
			err = hashFile(h, p)
		case fi.IsDir():
			err = hashDir(h, p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func hashFile(h hash.Hash, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCode, err)
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCode, p, err)
	}
	return nil
}

// isLocal reports whether code is a local path or file:// URL (hashed and
// staged by the SDK) rather than a remote URL.
func isLocal(code string) bool {
	if rest, ok := strings.CutPrefix(code, "s3://"); ok && plainURL(rest) {
		return false // what url.Parse reads as scheme s3, without parsing
	}
	u, err := url.Parse(code)
	return err != nil || u.Scheme == "" || u.Scheme == "file"
}

// plainURL reports whether s has only unreserved URL characters and '/',
// which url.Parse accepts after a scheme in every position.
func plainURL(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
		default:
			return false
		}
	}
	return true
}

// codeHash is the local code of a step, hashed each time the step is
// compiled: the S3 key follows the code's current contents, so an edited
// script gets a new key without rebuilding the step or restarting the
// process, as the SDK hashes it on every pipeline.definition().
type codeHash struct {
	paths []string
}

func newCodeHash(paths ...string) *codeHash { return &codeHash{paths: paths} }

// checkExists reports local code that is not there: the SDK would fail to
// upload it.
func checkExists(paths ...string) error {
	for _, p := range paths {
		local := p
		if strings.HasPrefix(strings.ToLower(p), "file://") {
			if u, err := url.Parse(p); err == nil {
				local = u.Path
			}
		}
		if _, err := os.Stat(local); err != nil {
			return fmt.Errorf("%w: %w", ErrCode, err)
		}
	}
	return nil
}

// get hashes the code as it is now.
func (c *codeHash) get() (string, error) { return HashCode(c.paths...) }

// localCodeProblems reports the local code of a framework estimator or
// model that does not exist, naming the field, as the SDK refuses it when
// it stages the code: a local SourceDir and the EntryPoint inside it, or a
// local EntryPoint without a SourceDir, and local Dependencies. S3 (and
// other remote) locations are not checked.
func localCodeProblems(what, entryPoint, sourceDir string, deps []string) []error {
	var out []error
	check := func(field, p string) {
		if err := checkExists(p); err != nil {
			out = append(out, fmt.Errorf("%s %s %q: %w", what, field, p, err))
		}
	}
	switch {
	case sourceDir != "" && isLocal(sourceDir):
		check("SourceDir", sourceDir)
		if len(out) == 0 && entryPoint != "" && isLocal(entryPoint) && !filepath.IsAbs(entryPoint) {
			check("EntryPoint", filepath.Join(localPath(sourceDir), entryPoint))
		}
	case sourceDir == "" && entryPoint != "" && isLocal(entryPoint):
		check("EntryPoint", entryPoint)
	}
	for _, d := range deps {
		if isLocal(d) {
			check("Dependencies", d)
		}
	}
	return out
}

// localPath returns the file system path of a local path or file:// URL.
func localPath(p string) string {
	if strings.HasPrefix(strings.ToLower(p), "file://") {
		if u, err := url.Parse(p); err == nil {
			return u.Path
		}
	}
	return p
}
