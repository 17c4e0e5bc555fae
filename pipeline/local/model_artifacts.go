package local

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrModelData reports model artifacts that cannot be read: nothing at
// the model's ModelDataUrl, or a model.tar.gz that is not a gzip'd tar
// archive or holds unsafe paths.
var ErrModelData = errors.New("local: bad model data")

// maxModelBytes bounds what a model.tar.gz may unpack to, so that a
// hostile archive cannot fill the disk.
const maxModelBytes = 8 << 30

// unpackModel puts the model artifacts at uri into dir (which must
// exist), as SageMaker puts them in /opt/ml/model: a model.tar.gz (or any
// gzip'd tar) is extracted, a directory is copied, any other file is
// copied as it is.
func unpackModel(ctx context.Context, st store, uri, dir string) error {
	p, err := st.path(uri)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrModelData, err)
	}
	info, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: nothing at %s", ErrModelData, uri)
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrModelData, uri, err)
	}
	if info.IsDir() {
		return copyTree(p, dir)
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrModelData, uri, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return copyFile(p, filepath.Join(dir, filepath.Base(p)), 0o644)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrModelData, uri, err)
	}
	defer zr.Close()
	if err := untar(ctx, zr, dir); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrModelData, uri, err)
	}
	return nil
}

// untar extracts the regular files and directories of a tar stream under
// dir; links and devices are skipped, and a path leaving dir is an error.
func untar(ctx context.Context, r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if name == "." {
			continue
		}
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("archive entry %q leaves the model directory", h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			total += h.Size
			if total > maxModelBytes {
				return fmt.Errorf("archive unpacks to more than %d bytes", int64(maxModelBytes))
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, io.LimitReader(tr, h.Size))
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("archive entry %q: %w", h.Name, err)
			}
		}
	}
}
